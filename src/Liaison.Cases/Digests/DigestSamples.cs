using Liaison.Cases.Cases;

namespace Liaison.Cases.Digests;

/// <summary>
/// Made-up digests for an admin's preview and for checking an edited digest template: every section filled and every
/// optional value set (a co-handling part, a decision, an enterprise's comment, changes, a visit due, the league
/// table's co-handling, rating and key-enterprise blocks), or nothing at all. Titles carry markup characters on
/// purpose, so a preview shows that the HTML part escapes them.
/// </summary>
internal static class DigestSamples
{
    /// <summary>A fixed moment for validation, so a check gives the same answer every day.</summary>
    public static readonly DateTimeOffset ValidationNow = new(2026, 3, 3, 8, 30, 0, TimeSpan.FromHours(8));

    private const string Link = "https://liaison.example/l/SAMPLE-LINK";

    public static HandlerDigestMail Handler(DateTimeOffset now) => new("王建国", Today(now),
        [Line(now, "AYKF-2026-000121", "新厂房用电报装 <10kV 专线>") with { DueAt = now.AddDays(-3), OverdueWorkingDays = 3, Priority = CasePriority.Urgent }],
        [Line(now, "AYKF-2026-000122", "项目用地报批") with
        {
            DueAt = now.AddDays(1), WorkingDaysLeft = 1, Provisional = true, AcceptBy = now.AddDays(1), AcceptWorkingDaysLeft = 1, // not accepted yet
        }],
        [Part(now)])
    {
        OtherTotal = 101,
    };

    public static HandlerDigestMail EmptyHandler(DateTimeOffset now) => new("王建国", Today(now), [], [], []);

    public static OfficerDigestMail Officer(DateTimeOffset now) => new("李娜", Today(now), now.AddDays(-1),
        [
            Line(now, "AYKF-2026-000123", "环评批复进度 & 材料") with
            {
                Status = CaseStatus.Closed, Decision = OfficerDigests.DecideUnsatisfied, EnterpriseComment = "办理时间过长，希望加快。",
                Link = "https://liaison.example/cases/AYKF-2026-000123",
                Changes = [new CaseEvent { Kind = CaseEventKinds.EnterpriseRated, Actor = "enterprise", At = now.AddHours(-3), Note = "不满意" }],
            },
        ],
        [
            Line(now, "AYKF-2026-000124", "消防验收") with
            {
                DueAt = now.AddDays(-2), OverdueWorkingDays = 2, AcceptOverdue = true,
                CoHandlers = [("住房和城乡建设局", PartStatus.Submitted), ("供电公司", PartStatus.Dispatched)],
                Changes = [new CaseEvent { Kind = CaseEventKinds.Urged, Actor = "officer@anyue.example", At = now.AddHours(-5), Note = "请尽快办理。" }],
            },
        ],
        [
            Line(now, "AYKF-2026-000125", "税务登记变更") with
            {
                Status = CaseStatus.InProgress,
                Changes =
                [
                    new CaseEvent { Kind = CaseActions.Accept, Actor = "handler@anyue.example", At = now.AddHours(-20) },
                    new CaseEvent { Kind = CaseActions.Progress, Actor = "handler@anyue.example", At = now.AddHours(-2), Note = "已与企业对接，材料齐全。" },
                ],
            },
        ])
    {
        Served = [Line(now, "AYKF-2026-000126", "重点企业用工需求") with { Status = CaseStatus.Resolved }],
        VisitsDue =
        [
            new VisitDueLine("安岳示例柠檬科技有限公司", Today(now).AddDays(-35), 5, "https://liaison.example/enterprises/1/visits"),
            new VisitDueLine("安岳示例新材料有限公司", null, null, "https://liaison.example/enterprises/2/visits"),
        ],
        ChangedTotal = 120,
        WorkbenchLink = "https://liaison.example/workbench",
    };

    public static OfficerDigestMail EmptyOfficer(DateTimeOffset now) => new("李娜", Today(now), now.AddDays(-1), [], [], []);

    public static LeagueTableMail LeagueTable(DateTimeOffset now)
    {
        var to = Today(now).AddDays(-1);
        LeagueRow Row(string code, string name, int resolvedOnTime, int overdue, LeagueMark mark) =>
            new(code, name, 10, 9, 8, 8, resolvedOnTime, overdue, 1, 2, 1, 3.5, mark)
            {
                CoHandling = new CoHandlingCounts(3, 3, 2, 2, 1, 1, 1, 0, 1),
                Satisfaction = new SatisfactionCounts(4, 1, 1, 1),
            };
        var rows = new[] { Row("zrzy", "自然资源和规划局", 4, 2, LeagueMark.Red), Row("fgj", "发展和改革局", 7, 0, LeagueMark.Yellow), Row("gdgs", "供电公司", 8, 0, LeagueMark.Green) };
        var totals = new LeagueRow("", "合计", 30, 27, 24, 24, 19, 2, 3, 6, 3, 3.5, LeagueMark.Green)
        {
            CoHandling = new CoHandlingCounts(9, 9, 6, 6, 3, 3, 3, 0, 3),
            Satisfaction = new SatisfactionCounts(12, 3, 3, 3),
        };
        return new LeagueTableMail("张主任", new LeagueTableResult(to.AddDays(-6), to, now, new LeagueRules(), rows, totals),
            "https://liaison.example/reports/league-table.csv?from=2026-03-02&to=2026-03-08&sig=CfDJ8sample")
        {
            KeyEnterpriseService = new KeyEnterpriseServiceCounts(12, 3, to, false, 5, 4, 3),
        };
    }

    public static LeagueTableMail EmptyLeagueTable(DateTimeOffset now)
    {
        var to = Today(now).AddDays(-1);
        var totals = new LeagueRow("", "合计", 0, 0, 0, 0, 0, 0, 0, 0, 0, null, LeagueMark.Green);
        return new LeagueTableMail("张主任", new LeagueTableResult(to.AddDays(-6), to, now, new LeagueRules(), [], totals), null);
    }

    public static WorkHandoverMail WorkHandover(DateTimeOffset now) => new("李娜", "张伟", "管理员", now,
        [
            Line(now, "AYKF-2026-000128", "厂区道路 <规划> 调整") with
            {
                DueAt = now.AddDays(-1), OverdueWorkingDays = 1, Link = "https://liaison.example/cases/AYKF-2026-000128",
                CoHandlers = [("交通运输局", PartStatus.Accepted)],
            },
            Line(now, "AYKF-2026-000129", "企业评价待处理") with
            {
                Status = CaseStatus.Closed, Decision = OfficerDigests.DecideUnsatisfied, EnterpriseComment = "沟通不够及时。",
                Link = "https://liaison.example/cases/AYKF-2026-000129",
            },
        ],
        [new EnterpriseLine("安岳示例柠檬科技有限公司", "https://liaison.example/enterprises/1")],
        [new EnterpriseLine("安岳示例新材料有限公司", "https://liaison.example/enterprises/2")])
    {
        CasesTotal = 102,
    };

    public static WorkHandoverMail EmptyWorkHandover(DateTimeOffset now) => new("李娜", "张伟", "管理员", now, [], [], []);

    public static AccountCreatedMail AccountCreated(DateTimeOffset now) =>
        new("李娜", "li.na@anyue.example", Admin: false, "管理员", now, "https://liaison.example/account/login");

    public static LiaisonReplacedMail LiaisonReplaced(DateTimeOffset now) => new("王建国", "自然资源和规划局", now, WasHandler: true, WasLeader: false, "李娜", "张主任",
        [Line(now, "AYKF-2026-000128", "厂区道路 <规划> 调整") with { Link = null }, Part(now) with { Link = null }])
    {
        CasesTotal = 102,
    };

    private static DigestCaseLine Line(DateTimeOffset now, string number, string title) => new()
    {
        Number = number,
        Title = title,
        Enterprise = "安岳示例柠檬科技有限公司",
        Department = "自然资源和规划局",
        Status = CaseStatus.Dispatched,
        AcceptBy = now.AddDays(-4),
        DueAt = now.AddDays(5),
        WorkingDaysLeft = 5,
        Link = Link,
    };

    private static DigestCaseLine Part(DateTimeOffset now) => Line(now, "AYKF-2026-000127", "标准厂房供水接入") with
    {
        Department = "供水公司",
        PartStatus = PartStatus.InProgress,
        Task = "请出具供水接入意见。",
        LeadDepartment = "住房和城乡建设局",
    };

    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.DateTime);
}
