using System.Globalization;
using System.Text.RegularExpressions;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Liaison.Server.Enterprises;

/// <summary>The register's CSV export and its all-or-nothing import (<see cref="EnterpriseCsv"/> is the file format).</summary>
public sealed partial class EnterpriseService
{
    /// <summary>Every entry, key enterprises first then by name, as <see cref="EnterpriseCsv.Write"/> writes them.</summary>
    public async Task<byte[]> ExportCsvAsync(CancellationToken ct)
    {
        var rows = await Load(tracking: false).OrderByDescending(e => e.IsKey).ThenBy(e => e.Name).ThenBy(e => e.Id).ToListAsync(ct);
        return EnterpriseCsv.Write(await DescribeAsync(rows, ct));
    }

    /// <summary>
    /// Imports a CSV file, all or nothing. Every line is checked as the API checks one entry (<see cref="Read"/>), plus
    /// credit codes repeated within the file; if any line is bad, nothing is written and the error names every bad line
    /// (keys <c>line N</c>, the file's own line numbers, the header being line 1; <c>file</c> for the file as a whole).
    /// A line whose credit code is registered updates that entry: the columns the file has replace its values (a blank
    /// cell clears an optional value), the columns it lacks keep them, and its contact columns, when there are any,
    /// replace its contacts as a whole. Other lines create entries. A line that would change nothing is left alone.
    /// A line that would change an entry changed since the file was exported (its <see cref="EnterpriseCsv.Basis"/> cell
    /// names an older version) is a bad line like any other: it would undo that change. Without the column, or with a
    /// blank cell, the file's values win (files made before the column, or an admin restoring an old export on purpose).
    /// </summary>
    public async Task<ServiceResult<ImportSummary>> ImportCsvAsync(ReadOnlyMemory<byte> bytes, Actor actor, CancellationToken ct)
    {
        var v = new Validation();
        if (bytes.Length > EnterpriseCsv.MaxBytes)
        {
            v.Add(FileKey, TooLarge);
            return new ServiceError.Invalid(v);
        }

        if (EnterpriseCsv.Decode(bytes.Span, out var encodingError) is not { } text)
        {
            v.Add(FileKey, encodingError!.Value);
            return new ServiceError.Invalid(v);
        }

        if (EnterpriseCsv.Parse(text, out var syntaxError) is not { } records)
        {
            v.Add(LineKey(syntaxError!.Value.Line), syntaxError.Value.Message);
            return new ServiceError.Invalid(v);
        }

        if (records.Count == 0)
        {
            v.Add(FileKey, "文件是空的", "the file is empty");
            return new ServiceError.Invalid(v);
        }

        // PostgreSQL cannot store U+0000 (a binary file renamed .csv has them): every such line is named, nothing is read further.
        foreach (var record in records.Where(r => r.Fields.Any(f => f.Contains('\0'))))
        {
            v.Add(LineKey(record.Line), "含有无法保存的字符 U+0000，请检查文件是否为 CSV 文本", "contains the character U+0000, which cannot be stored: is this a CSV text file?");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var header = records[0];
        var keys = ReadHeader(header, v);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var lines = records.Skip(1).ToList();
        if (lines.Count == 0)
        {
            v.Add(FileKey, "文件只有表头，没有企业", "the file has a header but no enterprises");
        }
        else if (lines.Count > EnterpriseCsv.MaxRows)
        {
            v.Add(FileKey, $"一次最多导入 {EnterpriseCsv.MaxRows} 家企业，此文件有 {lines.Count} 家，请分批导入",
                $"at most {EnterpriseCsv.MaxRows} enterprises per file, this one has {lines.Count}: split it");
        }

        // A line with more cells than the header has columns: its extra values belong to no column, and dropping them
        // would lose what someone typed (blank extra cells, as spreadsheets pad lines, lose nothing).
        foreach (var line in lines.Where(l => l.Fields.Skip(header.Fields.Length).Any(f => !string.IsNullOrWhiteSpace(f))))
        {
            v.Add(LineKey(line.Line), $"此行有 {line.Fields.Length} 格，表头只有 {header.Fields.Length} 列：多出的内容不属于任何一列",
                $"this line has {line.Fields.Length} cells but the header only {header.Fields.Length} columns: the extra ones belong to no column");
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        // What the file refers to, each read once: the registered entries it names and the officer accounts.
        await using var tx = await BeginAsync(ct);
        var cells = lines.Select(r => Cells(r, keys)).ToList();
        var codes = cells.Select(c => UnifiedSocialCreditCode.TryParse(c.GetValueOrDefault("creditCode"), out var code, out _) ? code.Value : null)
            .OfType<string>().Distinct().ToList();
        var existing = await Load(tracking: true).Where(e => codes.Contains(e.CreditCode)).ToDictionaryAsync(e => e.CreditCode, ct);
        var existingOfficerIds = existing.Values.SelectMany(e => e.ServiceSquad.Select(m => m.OfficerId).Append(e.ChiefServiceOfficerId)).OfType<string>().Distinct().ToList();
        var emailOf = await db.Users.AsNoTracking().Where(u => existingOfficerIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? "", ct);
        var named = cells.SelectMany(c => EnterpriseCsv.ReadSquad(c.GetValueOrDefault("serviceSquad") ?? "").Append(c.GetValueOrDefault("chiefServiceOfficer")))
            .Concat(emailOf.Values);
        var officers = await FindOfficersAsync(named, ct);

        var read = new List<(EnterpriseFields Fields, RegisteredEnterprise? Existing)>(lines.Count);
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Line;
            var row = cells[i];
            var lineErrors = new Validation();
            var current = UnifiedSocialCreditCode.TryParse(row.GetValueOrDefault("creditCode"), out var code, out _) ? existing.GetValueOrDefault(code.Value) : null;
            var (input, groups) = ToInput(row, keys, current, emailOf, lineErrors);
            var fields = Read(input, lineErrors, officers);
            if (fields.CreditCode.Length > 0)
            {
                if (firstLineOf.TryGetValue(fields.CreditCode, out var first))
                {
                    lineErrors.Add("creditCode", $"与第 {first} 行的统一社会信用代码重复", $"the same credit code as line {first}");
                }
                else
                {
                    firstLineOf[fields.CreditCode] = line;
                }
            }

            foreach (var (field, messages) in lineErrors.Errors)
            {
                var (zh, en) = ColumnOf(field, groups);
                foreach (var message in messages)
                {
                    v.Add(LineKey(line), $"{zh}：{message.Zh}", $"{en}: {message.En}");
                }
            }

            // Only a line that would change the entry: one equal to it loses nobody's change.
            if (current is not null && lineErrors.IsValid && Validation.Optional(row.GetValueOrDefault(EnterpriseCsv.Basis.Key)) is { } basis
                && basis != BasisOf(current) && !Same(current, fields))
            {
                v.Add(LineKey(line), $"{EnterpriseCsv.Basis.Zh[0]}：{StaleInFile.Zh}", $"{EnterpriseCsv.Basis.Key}: {StaleInFile.En}");
            }

            read.Add((fields, current));
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var now = clock.GetUtcNow();
        int created = 0, updated = 0, unchanged = 0;
        List<RegisteredEnterprise> replaced = [];
        foreach (var (fields, current) in read)
        {
            if (current is null)
            {
                var enterprise = new RegisteredEnterprise { Name = fields.Name, CreditCode = fields.CreditCode, CreatedAt = now };
                fields.ApplyTo(enterprise, now);
                db.Add(enterprise);
                created++;
            }
            else if (Same(current, fields))
            {
                unchanged++;
            }
            else
            {
                current.Name = fields.Name;
                if (fields.ApplyTo(current, now))
                {
                    replaced.Add(current);
                }

                current.IsSample = false;
                updated++;
            }
        }

        AuditLog.Add(db, clock, actor, AuditActions.EnterprisesImported, "CSV",
            new AuditChanges().Field("created", null, created == 0 ? null : created).Field("updated", null, updated == 0 ? null : updated));
        // One transaction: the whole file or nothing, the new notice contacts' links included.
        try
        {
            await SaveHandingOverAsync(replaced, ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception ex) when (ex is DbUpdateConcurrencyException
                                   || ex is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } })
        {
            db.DiscardChanges();
            return new ServiceError.Conflict(new Text("导入期间企业名录被他人修改，未导入任何内容，请重试", "the register changed during the import; nothing was imported, please try again"));
        }

        return new ImportSummary(created, updated, unchanged);
    }

    /// <summary>A line of an import whose entry was changed after the export it comes from.</summary>
    public static readonly Text StaleInFile = new(
        "该企业在导出此文件后已被他人修改，导入此行会覆盖那次修改，整个文件未导入：请重新导出，在新文件中修改后再导入（确要以此行覆盖时，清空此行的版本格）",
        "the entry was changed by someone else after this file was exported and this line would undo that change, so nothing was imported: export again and make your changes in the new file (to overwrite with this line on purpose, clear its version cell)");

    /// <summary>The key of the file as a whole in an import's errors.</summary>
    public const string FileKey = "file";

    public static readonly Text TooLarge = new(
        $"文件不能超过 {EnterpriseCsv.MaxBytes / 1024 / 1024} MB（最多 {EnterpriseCsv.MaxRows} 家企业），请分批导入",
        $"the file must be at most {EnterpriseCsv.MaxBytes / 1024 / 1024} MB ({EnterpriseCsv.MaxRows} enterprises): split it");

    /// <summary>The key of a file line in an import's errors: <c>line 7</c>.</summary>
    public static string LineKey(int line) => "line " + line.ToString(CultureInfo.InvariantCulture);

    /// <summary>The line number of an import error's key, or null for <see cref="FileKey"/>.</summary>
    public static int? LineOf(string key) =>
        key.StartsWith("line ", StringComparison.Ordinal) && int.TryParse(key.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Each header cell's column key; unknown and repeated headers and missing required ones are errors on the header's line.</summary>
    private static string?[] ReadHeader(CsvRecord header, Validation v)
    {
        var keys = new string?[header.Fields.Length];
        var seen = new HashSet<string>();
        for (var i = 0; i < header.Fields.Length; i++)
        {
            var cell = header.Fields[i].Trim();
            if (cell.Length == 0)
            {
                continue; // a trailing empty column, as spreadsheets write
            }

            var key = EnterpriseCsv.KeyOf(cell);
            if (key is null)
            {
                v.Add(LineKey(header.Line), $"不认识的列“{cell}”", $"unknown column '{cell}'");
            }
            else if (!seen.Add(key))
            {
                v.Add(LineKey(header.Line), $"列“{cell}”重复", $"the column '{cell}' appears twice");
            }
            else
            {
                keys[i] = key;
            }
        }

        foreach (var required in new[] { "creditCode", "name" })
        {
            if (!seen.Contains(required))
            {
                v.Add(LineKey(header.Line), $"缺少“{EnterpriseCsv.Label(required)}”列", $"the column '{required}' is missing");
            }
        }

        return keys;
    }

    /// <summary>A record's cells by column key, formula guards removed.</summary>
    private static Dictionary<string, string> Cells(CsvRecord record, string?[] keys)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key)
            {
                cells[key] = i < record.Fields.Length ? EnterpriseCsv.Cell(record.Fields[i]) : "";
            }
        }

        return cells;
    }

    /// <summary>
    /// The entry a line describes, as the API's input: its cells over <paramref name="current"/>'s values (or nothing).
    /// <c>Groups</c> maps each contact of the input to its column group number, for messages.
    /// </summary>
    private static (EnterpriseInput Input, List<int> Groups) ToInput(
        Dictionary<string, string> row, string?[] keys, RegisteredEnterprise? current, Dictionary<string, string> emailOf, Validation v)
    {
        string? Was(string? officerId) => officerId is null ? null : emailOf.GetValueOrDefault(officerId);
        var input = current is null
            ? new EnterpriseInput(null, null)
            : new EnterpriseInput(
                current.Name, current.CreditCode, IndustryChains.JsonName(current.IndustryChain), current.Address, current.IsKey,
                Was(current.ChiefServiceOfficerId), current.ServiceSquad.Select(m => Was(m.OfficerId)).ToList(), current.VisitEveryDays,
                current.Contacts.OrderBy(c => c.Position).Select(c => (ContactInput?)new ContactInput(c.Name, c.Phone, c.Email, c.ForNotices)).ToList());
        var groups = Enumerable.Range(1, input.Contacts?.Count ?? 0).ToList();

        input = input with { CreditCode = row["creditCode"], Name = row["name"] };
        if (row.TryGetValue("industryChain", out var chain))
        {
            input = input with { IndustryChain = chain };
        }

        if (row.TryGetValue("address", out var address))
        {
            input = input with { Address = address };
        }

        if (row.TryGetValue("isKey", out var isKey))
        {
            input = input with { IsKey = Flag(isKey, "isKey") ?? false };
        }

        if (row.TryGetValue("chiefServiceOfficer", out var chief))
        {
            input = input with { ChiefServiceOfficer = chief };
        }

        if (row.TryGetValue("serviceSquad", out var squad))
        {
            input = input with { ServiceSquad = EnterpriseCsv.ReadSquad(squad) };
        }

        if (row.TryGetValue("visitEveryDays", out var every))
        {
            int? days = null;
            if (every.Length > 0)
            {
                if (int.TryParse(every, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    days = n;
                }
                else
                {
                    v.Add("visitEveryDays", "应为整数（天）", "must be a whole number of days");
                }
            }

            input = input with { VisitEveryDays = days };
        }

        var groupNumbers = keys.OfType<string>().Select(ContactGroupOf).OfType<int>().Distinct().Order().ToList();
        if (groupNumbers.Count > 0)
        {
            var contacts = new List<ContactInput?>();
            groups = [];
            foreach (var n in groupNumbers)
            {
                string Part(string part) => row.GetValueOrDefault(EnterpriseCsv.ContactKey(n, part)) ?? "";
                var (name, phone, email, notice) = (Part("Name"), Part("Phone"), Part("Email"), Part("ForNotices"));
                if (name.Length == 0 && phone.Length == 0 && email.Length == 0)
                {
                    if (Flag(notice, EnterpriseCsv.ContactKey(n, "ForNotices")) == true)
                    {
                        v.Add($"contacts[{n - 1}].notice", "没有联系人却标为接收通知", "marked for notices but names no contact");
                    }

                    continue;
                }

                groups.Add(n);
                contacts.Add(new ContactInput(name, phone, email, Flag(notice, EnterpriseCsv.ContactKey(n, "ForNotices"))));
            }

            input = input with { Contacts = contacts };
        }

        return (input, groups);

        bool? Flag(string cell, string field)
        {
            if (EnterpriseCsv.ReadFlag(cell) is { } flag)
            {
                return flag;
            }

            v.Add(field, $"应为“是”或“否”，而不是“{cell}”", $"must be yes or no, not '{cell}'");
            return null;
        }
    }

    private static int? ContactGroupOf(string key)
    {
        var m = ContactKeyPattern().Match(key);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The Chinese and English column names of a field <see cref="Read"/> or the line reader named.</summary>
    private static (string Zh, string En) ColumnOf(string field, List<int> groups)
    {
        var m = ContactFieldPattern().Match(field);
        if (m.Success)
        {
            var index = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            // contacts[i] from Read counts the input's contacts; "notice" counts column groups (blank groups are skipped).
            var n = m.Groups[2].Value == "notice" ? index + 1 : index < groups.Count ? groups[index] : index + 1;
            return m.Groups[2].Value switch
            {
                "name" => Named(EnterpriseCsv.ContactKey(n, "Name")),
                "phone" => Named(EnterpriseCsv.ContactKey(n, "Phone")),
                "email" => Named(EnterpriseCsv.ContactKey(n, "Email")),
                "notice" => Named(EnterpriseCsv.ContactKey(n, "ForNotices")),
                _ => ($"联系人{n}", $"contact{n}"),
            };
        }

        if (field == "contacts")
        {
            return ("联系人", "contacts");
        }

        var bare = field.Split('[')[0];
        return Named(bare);

        static (string, string) Named(string key) => (EnterpriseCsv.Label(key), key);
    }

    /// <summary>True when applying <paramref name="f"/> would change nothing.</summary>
    private static bool Same(RegisteredEnterprise e, EnterpriseFields f) =>
        e.Name == f.Name && e.CreditCode == f.CreditCode && e.IndustryChain == f.IndustryChain && e.Address == f.Address && e.IsKey == f.IsKey
        && e.ChiefServiceOfficerId == f.ChiefServiceOfficerId && e.VisitEveryDays == f.VisitEveryDays
        && e.ServiceSquad.Select(m => m.OfficerId).ToHashSet().SetEquals(f.ServiceSquad)
        && e.Contacts.OrderBy(c => c.Position).Select(c => (c.Name, c.Phone, c.Email, c.ForNotices))
            .SequenceEqual(f.Contacts.Select(c => (c.Name, c.Phone, c.Email, c.ForNotices)));

    [GeneratedRegex(@"^contact(\d+)[A-Z]")]
    private static partial Regex ContactKeyPattern();

    [GeneratedRegex(@"^contacts\[(\d+)\](?:\.(\w+))?$")]
    private static partial Regex ContactFieldPattern();
}

/// <summary>What an import did: entries created, updated, and lines that matched their entry already.</summary>
public sealed record ImportSummary(int Created, int Updated, int Unchanged);
