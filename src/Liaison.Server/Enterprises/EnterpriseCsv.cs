using System.Globalization;
using System.Text;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Common;

namespace Liaison.Server.Enterprises;

/// <summary>
/// The register's CSV file, as Excel in China writes and reads it: one row per enterprise under a header row, in UTF-8
/// (with or without a byte-order mark) or GB18030. Contacts are repeated column groups (联系人1姓名, 联系人1电话,
/// 联系人1邮箱, 联系人1接收通知, then 联系人2…), as many as the entry with the most contacts needs; officers are named
/// by their account email, the squad's separated by semicolons. Headers are read in Chinese or English.
/// </summary>
/// <remarks>
/// A cell that Excel would run as a formula (starting with = + - @, a tab or a carriage return) is written with a
/// leading apostrophe and read back without it (CSV injection), so an export re-imports unchanged.
/// </remarks>
public static class EnterpriseCsv
{
    /// <summary>Larger files are refused before they are read.</summary>
    public const int MaxBytes = 2 * 1024 * 1024;

    /// <summary>Enterprises one file may carry.</summary>
    public const int MaxRows = 5_000;

    /// <summary>GB18030, the code page Excel in China saves "CSV" in; from the framework's code-page provider.</summary>
    private const int Gb18030CodePage = 54936;

    /// <summary>The columns other than the contacts, in the order the export writes them.</summary>
    public static readonly IReadOnlyList<CsvColumn> Columns =
    [
        new("creditCode", "统一社会信用代码", "信用代码"),
        new("name", "企业名称", "名称"),
        new("industryChain", "产业链"),
        new("address", "地址"),
        new("isKey", "重点企业"),
        new("chiefServiceOfficer", "首席服务员"),
        new("serviceSquad", "服务专班"),
        new("visitEveryDays", "走访周期（天）", "走访周期"),
    ];

    /// <summary>
    /// The entry's version when it was exported (<see cref="EnterpriseDto.Basis"/>), written last: an import refuses a
    /// line whose entry was changed since (<see cref="EnterpriseService.ImportCsvAsync"/>). Files without it, or a
    /// blank cell, are imported as before, the file's values winning.
    /// </summary>
    public static readonly CsvColumn Basis = new("basis", "版本（勿改）", "版本");

    /// <summary>The parts of a contact's column group: <c>联系人{n}姓名</c> / <c>contact{n}Name</c>, ….</summary>
    public static readonly IReadOnlyList<(string Key, string Zh)> ContactParts =
        [("Name", "姓名"), ("Phone", "电话"), ("Email", "邮箱"), ("ForNotices", "接收通知")];

    private static readonly char[] SquadSeparators = [';', '；', ',', '，', '、', '\n'];

    /// <summary>The file's text: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else GB18030; null with the reason when neither.</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes, out Text? error)
    {
        error = null;
        if (bytes.StartsWith("PK\u0003\u0004"u8))
        {
            error = new Text("这是 Excel 工作簿（.xlsx），请在 Excel 中“另存为”CSV 文件后再导入",
                "this is an Excel workbook (.xlsx): save it as CSV in Excel, then import that");
            return null;
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            error = new Text("这是 UTF-16（“Unicode 文本”）文件，请另存为“CSV UTF-8（逗号分隔）”", "this is a UTF-16 (\"Unicode text\") file: save it as \"CSV UTF-8 (comma delimited)\"");
            return null;
        }

        var utf8Bom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8Bom ? bytes[3..] : bytes);
        }
        catch (DecoderFallbackException) when (!utf8Bom)
        {
            // Not UTF-8: what Excel in China saves as plain "CSV".
        }
        catch (DecoderFallbackException)
        {
            error = new Text("文件以 UTF-8 标记开头，但内容不是有效的 UTF-8", "the file starts with a UTF-8 byte-order mark but is not valid UTF-8");
            return null;
        }

        try
        {
            var gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(Gb18030CodePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback)
                ?? throw new InvalidOperationException("The framework's code-page provider has no GB18030");
            return gb18030.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            error = new Text("文件编码既不是 UTF-8 也不是 GB18030（GBK），请另存为“CSV UTF-8（逗号分隔）”",
                "the file is neither UTF-8 nor GB18030 (GBK): save it as \"CSV UTF-8 (comma delimited)\"");
            return null;
        }
    }

    /// <summary>
    /// The records of <paramref name="text"/> (RFC 4180: commas, double quotes, "" for a quote, CRLF or LF), each with
    /// the file line it starts on; records whose cells are all blank are skipped. Null with the reason when a quote is
    /// never closed.
    /// </summary>
    public static List<CsvRecord>? Parse(string text, out (int Line, Text Message)? error)
    {
        error = null;
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var quoteLine = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        cell.Append('"');
                        i += 2;
                        continue;
                    }

                    quoted = false;
                }
                else
                {
                    if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                    }

                    cell.Append(c);
                }

                i++;
                continue;
            }

            switch (c)
            {
                case '"' when cell.Length == 0 || cell.ToString().Trim().Length == 0:
                    cell.Clear();
                    quoted = true;
                    quoteLine = line;
                    break;
                case ',':
                    fields.Add(cell.ToString());
                    cell.Clear();
                    break;
                case '\r' or '\n':
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    fields.Add(cell.ToString());
                    cell.Clear();
                    Add();
                    line++;
                    recordLine = line;
                    break;
                default:
                    cell.Append(c);
                    break;
            }

            i++;
        }

        if (quoted)
        {
            error = (quoteLine, new Text("引号未闭合", "a quoted cell is never closed"));
            return null;
        }

        if (cell.Length > 0 || fields.Count > 0)
        {
            fields.Add(cell.ToString());
            Add();
        }

        return records;

        void Add()
        {
            if (fields.Any(f => f.Trim().Length > 0))
            {
                records.Add(new CsvRecord(recordLine, fields.ToArray()));
            }

            fields.Clear();
        }
    }

    /// <summary>The key a header cell names (<c>creditCode</c>, <c>contact2Email</c>, …), or null when it names none.</summary>
    public static string? KeyOf(string header)
    {
        var h = Normalize(header);
        foreach (var column in Columns.Append(Basis))
        {
            if (h == Normalize(column.Key) || column.Zh.Any(zh => h == Normalize(zh)))
            {
                return column.Key;
            }
        }

        foreach (var (part, zh) in ContactParts)
        {
            foreach (var (prefix, suffix) in new[] { ("联系人", zh), ("contact", part) })
            {
                var p = Normalize(prefix);
                var s = Normalize(suffix);
                if (h.Length > p.Length + s.Length && h.StartsWith(p, StringComparison.Ordinal) && h.EndsWith(s, StringComparison.Ordinal)
                    && int.TryParse(h[p.Length..^s.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= EnterpriseService.MaxContacts)
                {
                    return ContactKey(n, part);
                }
            }
        }

        return null;
    }

    public static string ContactKey(int n, string part) => $"contact{n}{part}";

    /// <summary>A column's Chinese header as the export writes it, for messages.</summary>
    public static string Label(string key)
    {
        if (Columns.Append(Basis).FirstOrDefault(c => c.Key == key) is { } column)
        {
            return column.Zh[0];
        }

        foreach (var (part, zh) in ContactParts)
        {
            if (key.EndsWith(part, StringComparison.Ordinal) && key.StartsWith("contact", StringComparison.Ordinal))
            {
                return $"联系人{key["contact".Length..^part.Length]}{zh}";
            }
        }

        return key;
    }

    /// <summary>Reads a yes/no cell (是/否, Y/N, yes/no, true/false, 1/0, √); blank is no.</summary>
    public static bool? ReadFlag(string cell) => cell.Trim().ToLowerInvariant() switch
    {
        "" or "否" or "n" or "no" or "false" or "0" or "×" => false,
        "是" or "y" or "yes" or "true" or "1" or "√" or "✓" => true,
        _ => null,
    };

    public static List<string?> ReadSquad(string cell) =>
        cell.Split(SquadSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => (string?)s).ToList();

    /// <summary>A cell as written in the file; a leading apostrophe that defused a formula is dropped.</summary>
    public static string Cell(string raw)
    {
        var value = raw.Trim();
        return value.Length > 1 && value[0] == '\'' && Csv.NeedsGuard(value.AsSpan(1)) ? value[1..] : value;
    }

    /// <summary>The register as a file: UTF-8 with a byte-order mark (so Excel reads the Chinese), CRLF lines.</summary>
    public static byte[] Write(IReadOnlyList<EnterpriseDto> entries)
    {
        var groups = Math.Max(1, entries.Count == 0 ? 1 : entries.Max(e => e.Contacts.Count));
        var header = Columns.Select(c => c.Zh[0]).ToList();
        for (var n = 1; n <= groups; n++)
        {
            header.AddRange(ContactParts.Select(p => $"联系人{n}{p.Zh}"));
        }

        header.Add(Basis.Zh[0]);

        var sb = new StringBuilder();
        Csv.AppendLine(sb, header);
        foreach (var e in entries)
        {
            var cells = new List<string>
            {
                e.CreditCode, e.Name, IndustryChains.Label(e.IndustryChain).Zh, e.Address ?? "", e.IsKey ? "是" : "否",
                e.ChiefServiceOfficer?.Email ?? "", string.Join(";", e.ServiceSquad.Select(o => o.Email).Order(StringComparer.Ordinal)),
                e.VisitEveryDays.ToString(CultureInfo.InvariantCulture),
            };
            for (var n = 0; n < groups; n++)
            {
                var c = n < e.Contacts.Count ? e.Contacts[n] : null;
                cells.AddRange(c is null ? ["", "", "", ""] : [c.Name, c.Phone ?? "", c.Email ?? "", c.ForNotices ? "是" : "否"]);
            }

            cells.Add(e.Basis);

            Csv.AppendLine(sb, cells);
        }

        return Csv.Utf8WithBom(sb);
    }

    /// <summary>Header text compared without spaces, case or full-width brackets.</summary>
    private static string Normalize(string header) =>
        new string(header.Where(ch => !char.IsWhiteSpace(ch) && ch != '\uFEFF').ToArray()).Replace('（', '(').Replace('）', ')').ToLowerInvariant();
}

/// <summary>A column of the file: its key (also its English header) and its Chinese headers, the first one written.</summary>
public sealed record CsvColumn(string Key, params string[] Zh);

/// <summary>One record of the file and the line it starts on (the header is line 1).</summary>
public sealed record CsvRecord(int Line, string[] Fields);
