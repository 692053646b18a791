using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Liaison.Cases.Common;
using Liaison.Cases.Enterprises;
using Liaison.Server.Audit;
using Liaison.Server.Auth;
using Liaison.Server.Calendar;
using Liaison.Server.Common;
using Liaison.Server.Data;
using Liaison.Server.EnterpriseView;
using Liaison.Server.Visits;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Liaison.Server.Enterprises;

/// <summary>
/// Reads and changes the enterprise register (企业名录); shared by the API, the pages and the CSV import. Officers and
/// admins edit it. Contacts' phones and emails leave this service only towards signed-in officers and admins.
/// </summary>
public sealed partial class EnterpriseService(LiaisonDbContext db, TimeProvider clock, CalendarService calendars, EnterpriseNotices notices)
{
    public const int MaxContacts = 20;

    public const int MaxSquad = 50;

    public const int MaxPageSize = 200;

    public async Task<EnterprisePage> ListAsync(EnterpriseFilter filter, CancellationToken ct)
    {
        var query = db.Set<RegisteredEnterprise>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var text = filter.Q.Trim();
            var term = LikePattern.Containing(text);
            // The name containing the text, or the credit code starting with it (a whole code, or its first 6 characters or more).
            if (CreditCodeSearch.Prefix(text) is { } prefix)
            {
                // Inlined: see CreditCodeSearch.Starting.
                var pattern = CreditCodeSearch.Pattern(prefix);
                query = query.Where(e => EF.Functions.ILike(e.Name, term, LikePattern.Escape) || EF.Functions.Like(e.CreditCode, EF.Constant(pattern)));
            }
            else
            {
                query = query.Where(e => EF.Functions.ILike(e.Name, term, LikePattern.Escape));
            }
        }

        if (filter.Key is { } key)
        {
            query = query.Where(e => e.IsKey == key);
        }

        if (filter.Chain is { } chain)
        {
            query = query.Where(e => e.IndustryChain == chain);
        }

        if (filter.ChiefServiceOfficerId is { } chief)
        {
            query = query.Where(e => e.ChiefServiceOfficerId == chief);
        }

        if (filter.VisitDue is { } due)
        {
            query = VisitDue.Where(query, db, due, VisitService.Today(clock, calendars));
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(e => e.IsKey).ThenBy(e => e.Name).ThenBy(e => e.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)
            .Include(e => e.Contacts).Include(e => e.ServiceSquad)
            .AsSplitQuery()
            .ToListAsync(ct);
        return new EnterprisePage(await DescribeAsync(rows, ct), total, filter.Page, filter.PageSize);
    }

    /// <summary>Entries to suggest where a credit code is typed (the new-case form), key enterprises first.</summary>
    public Task<List<EnterpriseSuggestion>> SuggestionsAsync(CancellationToken ct) =>
        db.Set<RegisteredEnterprise>().AsNoTracking().OrderByDescending(e => e.IsKey).ThenBy(e => e.Name).Take(MaxSuggestions)
            .Select(e => new EnterpriseSuggestion(e.CreditCode, e.Name, e.IsKey)).ToListAsync(ct);

    public const int MaxSuggestions = 2000;

    public async Task<ServiceResult<RegisteredEnterprise>> GetAsync(long id, CancellationToken ct) =>
        await Load(tracking: false).FirstOrDefaultAsync(e => e.Id == id, ct) is { } e ? e : NotFound(id);

    public Task<RegisteredEnterprise?> FindByCreditCodeAsync(string creditCode, CancellationToken ct) =>
        Load(tracking: false).FirstOrDefaultAsync(e => e.CreditCode == creditCode, ct);

    public async Task<ServiceResult<RegisteredEnterprise>> CreateAsync(EnterpriseInput input, Actor actor, CancellationToken ct)
    {
        var v = new Validation();
        await using var tx = await BeginAsync(ct);
        var officers = await FindOfficersAsync(input, ct);
        var read = Read(input, v, officers);
        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        if (await FindByCreditCodeAsync(read.CreditCode, ct) is { } existing)
        {
            return DuplicateCode(existing);
        }

        var now = clock.GetUtcNow();
        var enterprise = new RegisteredEnterprise { Name = read.Name, CreditCode = read.CreditCode, CreatedAt = now };
        AuditLog.Add(db, clock, actor, AuditActions.EnterpriseCreated, read.CreditCode, await ChangesAsync(null, read, ct));
        read.ApplyTo(enterprise, now);
        db.Add(enterprise);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await tx.RollbackAsync(ct);
            db.DiscardChanges();
            return await FindByCreditCodeAsync(read.CreditCode, ct) is { } winner
                ? DuplicateCode(winner)
                : new ServiceError.Conflict(new Text("企业信息刚被他人修改，请重试", "the register changed meanwhile; please try again"));
        }

        return enterprise;
    }

    public async Task<ServiceResult<RegisteredEnterprise>> UpdateAsync(long id, EnterpriseInput input, Actor actor, CancellationToken ct)
    {
        var v = new Validation();
        await using var tx = await BeginAsync(ct);
        var officers = await FindOfficersAsync(input, ct);
        var read = Read(input, v, officers);
        // A version no read gives (the row's version is a whole number): the client's mistake, not a save since.
        if (Validation.Optional(input.Basis) is { } given && !uint.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            v.Add("basis", EditBasis.Malformed);
        }

        if (!v.IsValid)
        {
            return new ServiceError.Invalid(v);
        }

        var enterprise = await Load(tracking: true).FirstOrDefaultAsync(e => e.Id == id, ct);
        if (enterprise is null)
        {
            return NotFound(id);
        }

        // Saved from a form (or a read) of the entry as it was before someone else's save: that save would be lost. Unless
        // the entry is already as this save asks (its first sending went through: a double click, a retry): that loses
        // nobody's change, and an import lets such a line through alike.
        if (Validation.Optional(input.Basis) is { } seen && seen != BasisOf(enterprise))
        {
            return Same(enterprise, read) ? enterprise : new ServiceError.Conflict(Stale);
        }

        if (read.CreditCode != enterprise.CreditCode && await FindByCreditCodeAsync(read.CreditCode, ct) is { } other)
        {
            return DuplicateCode(other);
        }

        AuditLog.Add(db, clock, actor, AuditActions.EnterpriseChanged, enterprise.CreditCode, await ChangesAsync(enterprise, read, ct));
        enterprise.Name = read.Name;
        enterprise.CreditCode = read.CreditCode;
        var replaced = read.ApplyTo(enterprise, clock.GetUtcNow());
        // Once someone has edited a sample entry, it describes a real enterprise.
        enterprise.IsSample = false;
        // The row itself is written even when only contacts or squad changed, so its version (the basis) moves on.
        db.Entry(enterprise).Property(e => e.UpdatedAt).IsModified = true;
        try
        {
            await SaveHandingOverAsync(replaced ? [enterprise] : [], ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await tx.RollbackAsync(ct);
            db.DiscardChanges();
            if (await FindByCreditCodeAsync(read.CreditCode, ct) is { } winner && winner.Id != id)
            {
                return DuplicateCode(winner);
            }

            return await SavedAlreadyAsync(id, read, ct) is { } saved
                ? saved
                : new ServiceError.Conflict(new Text("企业信息刚被他人修改，请重试", "the entry changed meanwhile; please try again"));
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone's save landed between the read and this write: the same refusal as a stale basis (a retry of the
            // same change would meet it), which the edit page answers with the entry's version as it is now. That save
            // may be this one's own first sending (a double click): the entry as this save asks is answered as saved.
            await tx.RollbackAsync(ct);
            db.DiscardChanges();
            return await SavedAlreadyAsync(id, read, ct) is { } saved ? saved : new ServiceError.Conflict(Stale);
        }

        return enterprise;
    }

    /// <summary>The entry as committed now, when it is already as <paramref name="read"/> asks; else null.</summary>
    private async Task<RegisteredEnterprise?> SavedAlreadyAsync(long id, EnterpriseFields read, CancellationToken ct) =>
        await Load(tracking: false).FirstOrDefaultAsync(e => e.Id == id, ct) is { } now && Same(now, read) ? now : null;

    /// <summary>
    /// Begins a change of the register, holding off account changes (<see cref="Accounts.LockChangesAsync"/>, shared) until
    /// it commits: the officers it names are read after a deactivation committing meanwhile (which then names none of
    /// them), and a deactivation's handover (<see cref="Handover.MoveAsync"/>) waits and then sees the entry as it ended
    /// up, so no chief or squad place goes to a deactivated account and the handover's mail names only what it moved.
    /// </summary>
    private async Task<IDbContextTransaction> BeginAsync(CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        await Accounts.LockChangesAsync(db, shared: true, ct);
        return tx;
    }

    /// <summary>
    /// Saves the unit of work in the caller's transaction (<see cref="BeginAsync"/>); where an entry's notice contact was
    /// replaced, the new contact is mailed a link to each case it follows (the former contact's links ended with the change).
    /// </summary>
    private async Task SaveHandingOverAsync(IReadOnlyList<RegisteredEnterprise> replaced, CancellationToken ct)
    {
        // The new contacts are inserted first: each link names its contact's row.
        await db.SaveChangesAsync(ct);
        if (replaced.Count == 0)
        {
            return;
        }

        foreach (var enterprise in replaced)
        {
            await notices.HandOverAsync(db, enterprise, ct);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The change log's fields: officers by email, the squad as one sorted list; contacts only as "changed", since their
    /// phones and emails are shown to signed-in officers and admins alone and never kept anywhere else.
    /// </summary>
    private async Task<AuditChanges> ChangesAsync(RegisteredEnterprise? before, EnterpriseFields after, CancellationToken ct)
    {
        var beforeSquad = before?.ServiceSquad.Select(m => m.OfficerId).ToList() ?? [];
        var ids = after.ServiceSquad.Concat(beforeSquad).Append(after.ChiefServiceOfficerId).Append(before?.ChiefServiceOfficerId).OfType<string>().Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, ct);
        string? Email(string? id) => id is null ? null : emails.GetValueOrDefault(id, id);
        string? Squad(IEnumerable<string> squad) => string.Join(", ", squad.Select(Email).Order(StringComparer.Ordinal)) is { Length: > 0 } list ? list : null;
        var contacts = after.Contacts.Select(c => (c.Name, c.Phone, c.Email, c.ForNotices));
        return new AuditChanges { RecordEmpty = before is null }
            .Field("name", before?.Name, after.Name)
            .Field("creditCode", before?.CreditCode, after.CreditCode)
            .Field("industryChain", before?.IndustryChain, after.IndustryChain)
            .Field("address", before?.Address, after.Address)
            .Field("isKey", before?.IsKey, after.IsKey)
            .Field("chiefServiceOfficer", Email(before?.ChiefServiceOfficerId), Email(after.ChiefServiceOfficerId))
            .Field("serviceSquad", Squad(beforeSquad), Squad(after.ServiceSquad))
            .Field("visitEveryDays", before?.VisitEveryDays, after.VisitEveryDays)
            .Changed("contacts", before is null
                ? after.Contacts.Count > 0
                : !before.Contacts.OrderBy(c => c.Position).Select(c => (c.Name, c.Phone, c.Email, c.ForNotices)).SequenceEqual(contacts));
    }

    /// <summary>The DTOs of <paramref name="rows"/>, with their officers' names (one query for all of them).</summary>
    public async Task<List<EnterpriseDto>> DescribeAsync(IReadOnlyList<RegisteredEnterprise> rows, CancellationToken ct)
    {
        var ids = rows.SelectMany(e => e.ServiceSquad.Select(m => m.OfficerId).Append(e.ChiefServiceOfficerId))
            .OfType<string>().Distinct().ToList();
        var officers = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => new OfficerRef(u.Id, u.Email ?? "", u.DisplayName), ct);
        // Each key enterprise's last visit (up to today, as VisitDue counts them), for where it stands against its cadence.
        var today = VisitService.Today(clock, calendars);
        var keys = rows.Where(e => e.IsKey).Select(e => e.Id).ToList();
        var last = keys.Count == 0 ? new Dictionary<long, DateOnly>()
            : await db.Set<EnterpriseVisit>().AsNoTracking().Where(v => keys.Contains(v.EnterpriseId) && v.VisitedOn <= today)
                .GroupBy(v => v.EnterpriseId).Select(g => new { g.Key, Last = g.Max(v => v.VisitedOn) }).ToDictionaryAsync(x => x.Key, x => x.Last, ct);
        return rows.Select(e => EnterpriseDto.From(e, officers) with
        {
            Visit = VisitCadenceStatus.Of(e.IsKey, last.TryGetValue(e.Id, out var on) ? on : null, e.VisitEveryDays, today),
        }).ToList();
    }

    public async Task<EnterpriseDto> DescribeAsync(RegisteredEnterprise enterprise, CancellationToken ct) =>
        (await DescribeAsync([enterprise], ct))[0];

    /// <summary>
    /// Checks an entry as typed (API, page or one CSV line) without touching the database beyond
    /// <paramref name="officers"/>, the accounts its officer fields name (<see cref="FindOfficersAsync(EnterpriseInput, CancellationToken)"/>).
    /// </summary>
    public static EnterpriseFields Read(EnterpriseInput input, Validation v, IReadOnlyDictionary<string, LiaisonUser> officers)
    {
        var name = v.RequiredLine("name", input.Name, 200);
        var creditCode = "";
        if (!UnifiedSocialCreditCode.TryParse(input.CreditCode, out var code, out var codeError))
        {
            v.Add("creditCode", Text.FromBilingual(codeError));
        }
        else
        {
            creditCode = code.Value;
        }

        var chain = IndustryChain.Other;
        if (!string.IsNullOrWhiteSpace(input.IndustryChain) && !IndustryChains.TryParse(input.IndustryChain, out chain))
        {
            v.Add("industryChain", $"只能是：{IndustryChains.Allowed.Zh}", $"must be one of: {IndustryChains.Allowed.En}");
        }

        var address = Validation.Optional(input.Address);
        v.MaxLength("address", address, 300); // may take two lines (street, building), unlike the name

        var isKey = input.IsKey ?? false;
        string? chiefId = null;
        if (Validation.Optional(input.ChiefServiceOfficer) is { } chief)
        {
            chiefId = Officer("chiefServiceOfficer", chief, v, officers);
            if (!isKey)
            {
                v.Add("chiefServiceOfficer", "只有重点企业才有首席服务员", "only a key enterprise has a chief service officer");
            }
        }

        var squad = new List<string>();
        var squadInput = input.ServiceSquad ?? [];
        if (squadInput.Count > MaxSquad)
        {
            v.Add("serviceSquad", $"服务专班最多 {MaxSquad} 人", $"a service squad has at most {MaxSquad} members");
        }
        else
        {
            for (var i = 0; i < squadInput.Count; i++)
            {
                if (Validation.Optional(squadInput[i]) is not { } member)
                {
                    v.Add($"serviceSquad[{i}]", "必填", "is required");
                }
                else if (Officer($"serviceSquad[{i}]", member, v, officers) is { } id && !squad.Contains(id))
                {
                    squad.Add(id);
                }
            }

            if (squad.Count > 0 && !isKey)
            {
                v.Add("serviceSquad", "只有重点企业才有服务专班", "only a key enterprise has a service squad");
            }
        }

        var visitEvery = input.VisitEveryDays ?? RegisteredEnterprise.DefaultVisitEveryDays;
        if (visitEvery is < 1 or > 366)
        {
            v.Add("visitEveryDays", "走访周期应为 1–366 天", "must be between 1 and 366 days");
        }

        return new EnterpriseFields(name, creditCode, chain, address, isKey, chiefId, squad, visitEvery, ReadContacts(input.Contacts, v));
    }

    private static List<EnterpriseContact> ReadContacts(IReadOnlyList<ContactInput?>? input, Validation v)
    {
        var contacts = new List<EnterpriseContact>();
        if (input is null)
        {
            return contacts;
        }

        if (input.Count > MaxContacts)
        {
            v.Add("contacts", $"联系人最多 {MaxContacts} 位", $"at most {MaxContacts} contacts");
            return contacts;
        }

        for (var i = 0; i < input.Count; i++)
        {
            var field = $"contacts[{i}]";
            if (input[i] is not { } c)
            {
                v.Add(field, "必填", "is required");
                continue;
            }

            var name = v.RequiredLine($"{field}.name", c.Name, 100);
            var phone = Validation.Optional(c.Phone);
            if (phone is not null && !PhonePattern().IsMatch(phone))
            {
                v.Add($"{field}.phone", "电话号码格式不正确（数字、空格、+、-、括号，5–32 位）", "is not a phone number (digits, spaces, +, - and brackets, 5–32 characters)");
            }

            var email = Validation.Optional(c.Email);
            if (email is not null && !EmailAddress.IsValid(email))
            {
                v.Add($"{field}.email", "邮箱地址格式不正确", "is not a valid email address");
            }

            if (phone is null && email is null)
            {
                v.Add(field, "电话和邮箱至少填一项", "needs a phone or an email");
            }

            contacts.Add(new EnterpriseContact { Name = name, Phone = phone, Email = email, ForNotices = c.ForNotices ?? false, Position = i });
        }

        var marked = contacts.Where(c => c.ForNotices).ToList();
        if (marked.Count > 1)
        {
            v.Add("contacts", "只能有一位联系人接收事项通知", "only one contact can receive case notices");
        }
        else if (marked.Count == 0 && contacts.FirstOrDefault(c => c.Email is not null) is { } first)
        {
            // Nobody marked: the first contact with an email gets the notices, so a new entry is never silent by accident.
            first.ForNotices = true;
        }
        else if (marked is [{ Email: null } notice])
        {
            v.Add($"contacts[{notice.Position}].email", "接收事项通知的联系人必须有邮箱", "the contact for case notices needs an email");
        }

        return contacts;
    }

    private static string? Officer(string field, string idOrEmail, Validation v, IReadOnlyDictionary<string, LiaisonUser> officers)
    {
        if (TryOfficer(officers, idOrEmail, out var user))
        {
            return user.Id;
        }

        v.Add(field, UnknownOfficer(idOrEmail));
        return null;
    }

    /// <summary>
    /// The account <paramref name="idOrEmail"/> names among <paramref name="officers"/> (<see cref="FindOfficersAsync(IEnumerable{string?}, CancellationToken)"/>):
    /// its id, as a read gives it (<see cref="OfficerRef.Id"/>), or its email, either in any case.
    /// </summary>
    public static bool TryOfficer(IReadOnlyDictionary<string, LiaisonUser> officers, string idOrEmail, [NotNullWhen(true)] out LiaisonUser? user) =>
        officers.TryGetValue(idOrEmail.Trim().ToUpperInvariant(), out user);

    /// <summary>An officer field naming no active officer account, by id or by email.</summary>
    public static Text UnknownOfficer(string idOrEmail) => new(
        $"没有此 id 或邮箱的在用园区工作人员账号：{idOrEmail}", $"no active officer account with this id or email: '{idOrEmail}'");

    /// <summary>The accounts the input's officer fields name (ids or emails); see <see cref="TryOfficer"/>.</summary>
    public Task<Dictionary<string, LiaisonUser>> FindOfficersAsync(EnterpriseInput input, CancellationToken ct) =>
        FindOfficersAsync((input.ServiceSquad ?? []).Append(input.ChiefServiceOfficer), ct);

    /// <summary>
    /// The active accounts <paramref name="idsOrEmails"/> name, each keyed by its upper-case id and its normalized
    /// (upper-case) email: look one up with <see cref="TryOfficer"/>. An id holds no "@", so the two never meet.
    /// </summary>
    public async Task<Dictionary<string, LiaisonUser>> FindOfficersAsync(IEnumerable<string?> idsOrEmails, CancellationToken ct)
    {
        var given = idsOrEmails.Select(Validation.Optional).OfType<string>().Distinct().ToList();
        if (given.Count == 0)
        {
            return [];
        }

        var normalized = given.Select(e => e.ToUpperInvariant()).Distinct().ToList();
        // Ids are lower-case GUIDs: one pasted in upper case names the same account.
        var ids = given.Concat(given.Select(e => e.ToLowerInvariant())).Distinct().ToList();
        // A deactivated account (停用) serves no enterprise: it is as if there were none.
        var users = await db.Users.AsNoTracking().Where(Accounts.Active)
            .Where(u => (u.NormalizedEmail != null && normalized.Contains(u.NormalizedEmail)) || ids.Contains(u.Id)).ToListAsync(ct);
        var found = new Dictionary<string, LiaisonUser>(StringComparer.Ordinal);
        foreach (var u in users)
        {
            found[u.Id.ToUpperInvariant()] = u;
            if (u.NormalizedEmail is { } email) found[email] = u;
        }

        return found;
    }

    private IQueryable<RegisteredEnterprise> Load(bool tracking)
    {
        var query = db.Set<RegisteredEnterprise>().Include(e => e.Contacts.OrderBy(c => c.Position)).Include(e => e.ServiceSquad).AsSplitQuery();
        return tracking ? query : query.AsNoTracking();
    }

    /// <summary>
    /// The entry's version as a read shows it (<see cref="EnterpriseDto.Basis"/>); a save naming an older one is refused
    /// (<see cref="Stale"/>). Every save of the entry moves it on.
    /// </summary>
    public static string BasisOf(RegisteredEnterprise e) => e.RowVersion.ToString(CultureInfo.InvariantCulture);

    public static readonly Text Stale = new(
        "企业信息在您打开后已被他人修改，您的修改未保存：请重新打开后再改",
        "the entry was changed by someone else after you opened it and your changes were not saved: open it again and make them there");

    public static ServiceError.NotFound NotFound(long id) => new(new Text($"没有编号为 {id} 的企业", $"no enterprise has the id {id}"));

    public static ServiceError.Conflict DuplicateCode(RegisteredEnterprise existing) => new(new Text(
        $"统一社会信用代码 {existing.CreditCode} 已登记为“{existing.Name}”（编号 {existing.Id}）",
        $"the credit code {existing.CreditCode} is already registered as '{existing.Name}' (id {existing.Id})"));

    [GeneratedRegex(@"^(?=(?:\D*\d){5})[0-9+\-() ]{5,32}$")]
    private static partial Regex PhonePattern();
}

/// <summary>An entry as checked by <see cref="EnterpriseService.Read"/>, ready to apply.</summary>
public sealed record EnterpriseFields(
    string Name, string CreditCode, IndustryChain IndustryChain, string? Address, bool IsKey, string? ChiefServiceOfficerId,
    IReadOnlyList<string> ServiceSquad, int VisitEveryDays, IReadOnlyList<EnterpriseContact> Contacts)
{
    /// <summary>
    /// Writes everything but the name and credit code; contacts and squad are replaced as a whole. True when the notice
    /// contact's address changed (another one, or none): its <see cref="RegisteredEnterprise.NoticeContactVersion"/>
    /// moves on, which ends the former contact's links, and the caller hands the cases over
    /// (<see cref="EnterpriseNotices.HandOverAsync"/>).
    /// </summary>
    public bool ApplyTo(RegisteredEnterprise e, DateTimeOffset now)
    {
        var before = e.NoticeContact?.Email;
        e.IndustryChain = IndustryChain;
        e.Address = Address;
        e.IsKey = IsKey;
        e.ChiefServiceOfficerId = ChiefServiceOfficerId;
        e.VisitEveryDays = VisitEveryDays;
        e.Contacts.Clear();
        e.Contacts.AddRange(Contacts);
        e.ServiceSquad.RemoveAll(m => !ServiceSquad.Contains(m.OfficerId));
        foreach (var id in ServiceSquad.Where(id => e.ServiceSquad.All(m => m.OfficerId != id)))
        {
            e.ServiceSquad.Add(new ServiceSquadMember { OfficerId = id });
        }

        e.UpdatedAt = now;
        if (EmailAddress.Same(before ?? "", e.NoticeContact?.Email ?? ""))
        {
            return false;
        }

        e.NoticeContactVersion++;
        return true;
    }
}

/// <param name="Basis">
/// Optional, on a change: the entry's <see cref="EnterpriseDto.Basis"/> as read; when someone has saved it since, the
/// change is refused with 409 and nothing changes (their save is not overwritten unseen).
/// </param>
public sealed record EnterpriseInput(
    string? Name, string? CreditCode, string? IndustryChain = null, string? Address = null, bool? IsKey = null,
    [property: Description(
        "Key enterprises only: the chief service officer (首席服务员), an active officer account named by its id (the `id` a read gives) "
        + "or its email, either in any case.")]
    string? ChiefServiceOfficer = null,
    [property: Description("Key enterprises only: the service squad (服务专班), each an active officer account's id or email, in any case.")]
    List<string?>? ServiceSquad = null,
    int? VisitEveryDays = null, List<ContactInput?>? Contacts = null,
    string? Basis = null);

public sealed record ContactInput(string? Name, string? Phone = null, string? Email = null, bool? ForNotices = null);

/// <param name="VisitDue">True: key enterprises due a visit today (never visited, or last visit + cadence on or before today); false: the others.</param>
public sealed record EnterpriseFilter(
    string? Q = null, bool? Key = null, IndustryChain? Chain = null, string? ChiefServiceOfficerId = null, int Page = 1, int PageSize = 50, bool? VisitDue = null);

public sealed record EnterprisePage(IReadOnlyList<EnterpriseDto> Items, int Total, int Page, int PageSize);

public sealed record EnterpriseSuggestion(string CreditCode, string Name, bool IsKey);

/// <summary>An officer account as a read names it.</summary>
public sealed record OfficerRef(
    [property: Description("The account's id: an input naming officers (chiefServiceOfficer, serviceSquad, a visit's officers) takes it back, or the email.")]
    string Id,
    string Email, string DisplayName);

public sealed record ContactDto(string Name, string? Phone, string? Email, bool ForNotices);

/// <summary>An entry as the API shows it to signed-in officers and admins (contacts included).</summary>
public sealed record EnterpriseDto(
    long Id, string Name, string CreditCode, IndustryChain IndustryChain, string? Address, bool IsKey, OfficerRef? ChiefServiceOfficer,
    IReadOnlyList<OfficerRef> ServiceSquad, int VisitEveryDays, IReadOnlyList<ContactDto> Contacts, bool Sample, DateTimeOffset UpdatedAt)
{
    /// <summary>Where it stands against its visit cadence today: its last visit, the next one due, how late (key enterprises).</summary>
    public VisitCadenceStatus? Visit { get; init; }

    /// <summary>The entry's version: sent back with a change (<see cref="EnterpriseInput.Basis"/>), a save since refuses it.</summary>
    public string Basis { get; init; } = "";

    public static EnterpriseDto From(RegisteredEnterprise e, IReadOnlyDictionary<string, OfficerRef> officers) => new(
        e.Id, e.Name, e.CreditCode, e.IndustryChain, e.Address, e.IsKey,
        e.ChiefServiceOfficerId is { } chief ? officers.GetValueOrDefault(chief) : null,
        e.ServiceSquad.Select(m => officers.GetValueOrDefault(m.OfficerId)).OfType<OfficerRef>().OrderBy(o => o.DisplayName, StringComparer.Ordinal).ToList(),
        e.VisitEveryDays,
        e.Contacts.OrderBy(c => c.Position).Select(c => new ContactDto(c.Name, c.Phone, c.Email, c.ForNotices)).ToList(),
        e.IsSample, e.UpdatedAt) { Basis = EnterpriseService.BasisOf(e) };
}
