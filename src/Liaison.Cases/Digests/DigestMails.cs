using Liaison.Cases.Cases;
using Liaison.Cases.Common;

namespace Liaison.Cases.Digests;

/// <summary>The digest emails, one template set each (Templates/{kind}.{culture}.{part}.liquid).</summary>
public static class DigestKind
{
    /// <summary>(handler) Daily: every open case you hold, overdue first (每日待办提醒).</summary>
    public const string Handler = "handler-digest";

    /// <summary>(officer) Daily: your cases that need a decision, are overdue or changed (每日事项动态).</summary>
    public const string Officer = "officer-digest";

    /// <summary>(zone leadership, admins) Weekly: the league table (红黄榜).</summary>
    public const string LeagueTable = "league-table";

    /// <summary>(officer) At once, when an admin hands a leaving account's work over to them (工作移交通知).</summary>
    public const string WorkHandover = "work-handover";

    /// <summary>(officer, admin) At once, when an admin creates their account: where and as whom to sign in, never the password (新账号通知).</summary>
    public const string AccountCreated = "account-created";

    /// <summary>
    /// (a department's liaison an admin replaced) At once, in the save's transaction: the open cases and co-handling parts
    /// that left them, who has them now, and that their links to them have ended (联络人变更通知).
    /// </summary>
    public const string LiaisonReplaced = "liaison-replaced";

    public static IReadOnlyList<string> All { get; } = [Handler, Officer, LeagueTable, WorkHandover, AccountCreated, LiaisonReplaced];

    /// <summary>What a kind of digest is, for the admins' template pages.</summary>
    public static Text Label(string kind) => kind switch
    {
        Handler => new("每日待办（经办人）", "Daily cases (handler)"),
        Officer => new("每日事项动态（园区工作人员）", "Daily case news (officer)"),
        LeagueTable => new("每周红黄榜（园区领导、管理员）", "Weekly league table (zone leadership, admins)"),
        WorkHandover => new("工作移交通知（接手的园区工作人员）", "Work handed over (the officer taking it over)"),
        AccountCreated => new("新账号通知（账号的本人）", "Account created (its holder)"),
        LiaisonReplaced => new("联络人变更通知（被替换的部门联络人）", "Liaison replaced (the department's replaced liaison)"),
        _ => new(kind, kind),
    };
}

/// <summary>A case as one line of a digest; the host fills the link and the department's name.</summary>
public sealed record DigestCaseLine
{
    public required string Number { get; init; }

    public required string Title { get; init; }

    public string? Enterprise { get; init; }

    public string? Department { get; init; }

    public CaseStatus Status { get; init; }

    public CasePriority Priority { get; init; }

    public DateTimeOffset? AcceptBy { get; init; }

    public DateTimeOffset? DueAt { get; init; }

    public bool Provisional { get; init; }

    public int? OverdueWorkingDays { get; init; }

    /// <summary>Still not accepted (签收) past the acceptance deadline.</summary>
    public bool AcceptOverdue { get; init; }

    public int? WorkingDaysLeft { get; init; }

    /// <summary>Not accepted (签收) yet, its acceptance deadline still ahead: the working days left to it (0: today); else null.</summary>
    public int? AcceptWorkingDaysLeft { get; init; }

    /// <summary>Absolute http(s) URL: a handler's personal link, or the officer's case page.</summary>
    public string? Link { get; init; }

    /// <summary>The decision the officer owes (<see cref="OfficerDigests.DecideReturn"/>, …), or null.</summary>
    public string? Decision { get; init; }

    /// <summary>An unsatisfied rating (<see cref="OfficerDigests.DecideUnsatisfied"/>): the enterprise's comment, if it wrote one.</summary>
    public string? EnterpriseComment { get; init; }

    public IReadOnlyList<CaseEvent> Changes { get; init; } = [];

    /// <summary>A handler's co-handling part (协办) of a joint case: its status (the deadlines above are the part's); null for a case.</summary>
    public PartStatus? PartStatus { get; init; }

    /// <summary>The co-handling part's task note (协办任务).</summary>
    public string? Task { get; init; }

    /// <summary>A co-handling part's case: the lead department's name (主办).</summary>
    public string? LeadDepartment { get; init; }

    /// <summary>A joint case in the officer's digest: each co-handling department's name and its part's status.</summary>
    public IReadOnlyList<(string Department, PartStatus Status)> CoHandlers { get; init; } = [];

    /// <summary>A co-handling part, to a handler: its own deadlines, status and task, the lead's department.</summary>
    public static DigestCaseLine From(Case c, CasePart part, string? department, string? leadDepartment, string? link) => From(c, department, link) with
    {
        AcceptBy = part.AcceptBy,
        DueAt = part.DueAt,
        Provisional = part.Provisional,
        PartStatus = part.Status,
        Task = string.IsNullOrWhiteSpace(part.Task) ? null : part.Task,
        LeadDepartment = leadDepartment,
    };

    public static DigestCaseLine From(Case c, string? department, string? link) => new()
    {
        Number = c.Number,
        Title = c.Title,
        Enterprise = c.Enterprise.Name,
        Department = department,
        Status = c.Status,
        Priority = c.Priority,
        AcceptBy = c.AcceptBy,
        DueAt = c.DueAt,
        Provisional = c.Provisional,
        Link = link,
    };
}

/// <summary>
/// A handler's morning mail. The caller may pass only the lines the mail shows (the first
/// <see cref="DigestMailRenderer.MaxLinesPerSection"/> of each section) with each section's full count in its
/// <c>…Total</c>; a total left null is its list's count.
/// </summary>
public sealed record HandlerDigestMail(
    string RecipientName, DateOnly Date, IReadOnlyList<DigestCaseLine> Overdue, IReadOnlyList<DigestCaseLine> DueSoon, IReadOnlyList<DigestCaseLine> Other)
{
    public int? OverdueTotal { get; init; }

    public int? DueSoonTotal { get; init; }

    public int? OtherTotal { get; init; }
}

public sealed record OfficerDigestMail(
    string RecipientName, DateOnly Date, DateTimeOffset Since,
    IReadOnlyList<DigestCaseLine> NeedsDecision, IReadOnlyList<DigestCaseLine> Overdue, IReadOnlyList<DigestCaseLine> Changed)
{
    /// <summary>Open cases of the key enterprises the officer serves (chief service officer or squad), not listed above.</summary>
    public IReadOnlyList<DigestCaseLine> Served { get; init; } = [];

    /// <summary>For a chief service officer: their key enterprises whose visit (走访) is due.</summary>
    public IReadOnlyList<VisitDueLine> VisitsDue { get; init; } = [];

    /// <summary>The officer's workbench page (工作台), where every case awaiting them is listed; null leaves the link out.</summary>
    public string? WorkbenchLink { get; init; }

    /// <summary>
    /// Each case section's full count, when the caller passed only the lines the mail shows (the first
    /// <see cref="DigestMailRenderer.MaxLinesPerSection"/> of each); null is its list's count.
    /// </summary>
    public int? NeedsDecisionTotal { get; init; }

    /// <inheritdoc cref="NeedsDecisionTotal"/>
    public int? OverdueTotal { get; init; }

    /// <inheritdoc cref="NeedsDecisionTotal"/>
    public int? ChangedTotal { get; init; }
}

public sealed record LeagueTableMail(string RecipientName, LeagueTableResult Table, string? CsvLink)
{
    /// <summary>The key-enterprise service block (重点企业服务), zone-wide, for the same period.</summary>
    public KeyEnterpriseServiceCounts? KeyEnterpriseService { get; init; }
}

/// <summary>
/// To the officer who takes over another account's work (移交), e.g. when an admin deactivates a leaving officer: the
/// cases now theirs (the first <see cref="DigestMailRenderer.MaxLinesPerSection"/>, all counted in
/// <see cref="CasesTotal"/>), and the key enterprises they now serve as chief service officer or in the service squad.
/// </summary>
public sealed record WorkHandoverMail(
    string RecipientName, string FromName, string ByName, DateTimeOffset At,
    IReadOnlyList<DigestCaseLine> Cases, IReadOnlyList<EnterpriseLine> ChiefOf, IReadOnlyList<EnterpriseLine> SquadOf)
{
    /// <summary>Every case handed over, when <see cref="Cases"/> holds only the lines the mail shows; null is its count.</summary>
    public int? CasesTotal { get; init; }
}

/// <summary>
/// To the holder of an account an admin just created: that it exists, the sign-in address and the email to sign in
/// with, and that the admin gives them the first password, which they must change at the first sign-in. It never
/// carries the password: a mailbox is no place for it.
/// </summary>
/// <param name="Email">The account's email, its sign-in name.</param>
/// <param name="Admin">An admin account (else an officer's).</param>
/// <param name="ByName">The admin who created it.</param>
/// <param name="SignInLink">The sign-in page (an absolute http(s) URL on the configured public address).</param>
public sealed record AccountCreatedMail(string RecipientName, string Email, bool Admin, string ByName, DateTimeOffset At, string SignInLink);

/// <summary>
/// To a department's handler or leader whom an admin replaced (the department's save naming another person): the open
/// cases and co-handling parts that left them with it (the first <see cref="DigestMailRenderer.MaxLinesPerSection"/>, all
/// counted in <see cref="CasesTotal"/>), who has them now, and that the links they were mailed for them have ended. No
/// link: nothing is left for them to do.
/// </summary>
/// <param name="Department">The department's name.</param>
/// <param name="WasHandler">They were replaced as the department's handler (经办人).</param>
/// <param name="WasLeader">They were replaced as its leader (分管领导).</param>
/// <param name="HandlerName">The department's handler now, who handles the cases.</param>
/// <param name="LeaderName">The department's leader now.</param>
public sealed record LiaisonReplacedMail(
    string RecipientName, string Department, DateTimeOffset At, bool WasHandler, bool WasLeader, string HandlerName, string LeaderName,
    IReadOnlyList<DigestCaseLine> Cases)
{
    /// <summary>Every case and part that left them, when <see cref="Cases"/> holds only the lines the mail shows; null is its count.</summary>
    public int? CasesTotal { get; init; }
}

/// <summary>A key enterprise in a mail, with the officer's page of it (an absolute http(s) URL).</summary>
public sealed record EnterpriseLine(string Name, string Link);
