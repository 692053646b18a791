using System.Net;
using Liaison.Cases.Cases;
using Liaison.Cases.Digests;
using Liaison.Cases.Notifications;
using static Liaison.Cases.Tests.Digests.DigestTestData;

namespace Liaison.Cases.Tests.Digests;

public sealed class DigestMailRendererTests
{
    private readonly DigestMailRenderer _renderer = new();

    private static DigestCaseLine Line(string number, string title, string? link = "https://liaison.example/l/abc") => new()
    {
        Number = number, Title = title, Department = "发展和改革局", Status = CaseStatus.Accepted, DueAt = Local(3, 9, 18), Link = link,
    };

    [Fact]
    public void The_new_account_notice_says_where_and_as_whom_to_sign_in_in_the_accounts_language_and_escapes_html()
    {
        var mail = new AccountCreatedMail("<b>李娜</b>", "li.na@anyue.example", Admin: false, "张主任", Local(3, 10, 9), "https://liaison.example/account/login");

        var zh = _renderer.Render(mail, "zh-CN");
        var en = _renderer.Render(mail with { RecipientName = "Li Na", Admin = true }, "en");

        Assert.Equal("【新账号】<b>李娜</b>，您的点对点联络平台账号已开通", zh.Subject);
        Assert.Contains("张主任 于 2026年3月10日（周二）09:00 为您开通了安岳经济开发区点对点联络平台的账号（园区工作人员）。", zh.TextBody);
        Assert.Contains("登录地址：https://liaison.example/account/login\n登录邮箱：li.na@anyue.example", zh.TextBody);
        Assert.Contains("&lt;b&gt;李娜&lt;/b&gt;", zh.HtmlBody);
        Assert.Contains("href=\"https://liaison.example/account/login\"", zh.HtmlBody);
        Assert.Equal("[New account] Li Na, your Liaison account is ready", en.Subject);
        Assert.Contains("opened an account for you (administrator)", en.TextBody);
        Assert.Contains("Sign in with: li.na@anyue.example", en.TextBody);
        Assert.Throws<ArgumentException>(() => _renderer.Render(mail with { SignInLink = "javascript:alert(1)" }, "zh-CN"));
    }

    [Fact]
    public void The_replaced_liaisons_notice_lists_what_left_them_and_who_has_it_in_their_language_without_a_link()
    {
        var part = Line("AYKF-2026-000127", "标准厂房供水接入", null) with { PartStatus = PartStatus.InProgress, LeadDepartment = "住房和城乡建设局" };
        var cases = new[] { Line("AYKF-2026-000128", "厂区道路 <规划> 调整", null), part };
        var handler = new LiaisonReplacedMail("王建国", "自然资源和规划局", Local(3, 10, 9), WasHandler: true, WasLeader: false, "李娜", "张主任", cases);

        var zh = _renderer.Render(handler, "zh-CN");
        var en = _renderer.Render(handler with { RecipientName = "Wang Jianguo", Cases = cases[..1] }, "en");
        var leader = _renderer.Render(handler with { WasHandler = false, WasLeader = true }, "zh-CN");

        Assert.Equal("【联络人变更】自然资源和规划局：您经手的 2 件在办事项已转交李娜，原链接已失效", zh.Subject);
        Assert.Contains("园区管理员已于 2026年3月10日（周二）09:00 更换自然资源和规划局的联络人：经办人改为 李娜。", zh.TextBody);
        Assert.Contains("今后由 李娜 办理。您此前收到的这些事项的链接已失效，无需再处理。", zh.TextBody);
        Assert.Contains("- AYKF-2026-000128 厂区道路 <规划> 调整\n- AYKF-2026-000127 标准厂房供水接入（协办，主办部门：住房和城乡建设局）\n", zh.TextBody);
        Assert.Contains("厂区道路 &lt;规划&gt; 调整", zh.HtmlBody);
        Assert.DoesNotContain("href=", zh.HtmlBody);
        Assert.Equal("[Liaison changed] 自然资源和规划局: 1 open case you held is now with 李娜; your links have ended", en.Subject);
        Assert.Contains("named 自然资源和规划局's new liaison: handler 李娜.", en.TextBody);
        Assert.Equal("【联络人变更】自然资源和规划局：您经手的 2 件在办事项已转交张主任，原链接已失效", leader.Subject);
        Assert.Contains("联络人：分管领导改为 张主任。以下在办事项已随之转交，今后由 李娜 办理、张主任 分管。", leader.TextBody);
    }

    [Fact]
    public void Handler_digest_lists_sections_in_order_and_escapes_html()
    {
        var mail = _renderer.Render(new HandlerDigestMail("王建国", new DateOnly(2026, 3, 10),
            [Line("AYKF-2026-000001", "<script>alert(1)</script>") with { OverdueWorkingDays = 1 }],
            [Line("AYKF-2026-000002", "用电")],
            [Line("AYKF-2026-000003", "用地")]), "zh-CN");

        Assert.Equal("【每日待办】2026年3月10日（周二） 您有 3 件事项待办理，其中 1 件已超期（办结或签收）", mail.Subject);
        Assert.DoesNotContain("<script>", mail.HtmlBody);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody);
        Assert.Contains("<script>alert(1)</script>", mail.TextBody);
        Assert.True(mail.TextBody!.IndexOf("000001", StringComparison.Ordinal) < mail.TextBody!.IndexOf("000002", StringComparison.Ordinal));
        Assert.True(mail.TextBody!.IndexOf("000002", StringComparison.Ordinal) < mail.TextBody!.IndexOf("000003", StringComparison.Ordinal));
        Assert.Contains("已超期 1 个工作日", mail.TextBody);
        Assert.Contains("href=\"https://liaison.example/l/abc\"", mail.HtmlBody);
    }

    [Fact]
    public void Handler_digest_in_english_says_due_today_and_late_to_accept_rather_than_zero_days_left()
    {
        var mail = _renderer.Render(new HandlerDigestMail("Wang", new DateOnly(2026, 3, 10),
            [Line("AYKF-2026-000001", "Power") with { Status = CaseStatus.Dispatched, AcceptBy = Local(3, 5, 18), AcceptOverdue = true, DueAt = Local(3, 11, 18), WorkingDaysLeft = 1 }],
            [Line("AYKF-2026-000002", "Land") with { DueAt = Local(3, 10, 18), WorkingDaysLeft = 0 }], []), "en");

        Assert.Contains("== Overdue to resolve or accept (1) ==", mail.TextBody);
        Assert.Contains("  late to accept: not accepted by its acceptance deadline (Thu 5 Mar 2026 18:00); 1 working day left to resolve\n", mail.TextBody);
        Assert.Contains("  due today 18:00\n", mail.TextBody);
        Assert.Contains("due today 18:00</span>", mail.HtmlBody);
        Assert.DoesNotContain("0 working days", mail.TextBody);
    }

    [Fact]
    public void The_work_handover_mail_lists_the_cases_and_enterprises_taken_over_in_the_recipients_language()
    {
        var cases = Enumerable.Range(1, 101).Select(n => Line($"AYKF-2026-{n:D6}", n == 1 ? "<b>用地</b>" : $"事项 {n}", $"https://liaison.example/cases/AYKF-2026-{n:D6}")).ToList();
        WorkHandoverMail Mail(string name) => new(name, "张伟", "管理员", Local(3, 10, 9), cases,
            [new EnterpriseLine("安岳示例柠檬科技有限公司", "https://liaison.example/enterprises/7")], []);

        var zh = _renderer.Render(Mail("李娜"), "zh-CN");
        var en = _renderer.Render(Mail("Li Na"), "en");
        var nothing = _renderer.Render(new WorkHandoverMail("李娜", "张伟", "管理员", Local(3, 10, 9), [], [], [new EnterpriseLine("安岳示例新材料有限公司", "https://liaison.example/enterprises/8")]), "zh-CN");

        Assert.Equal("【工作移交】张伟 的工作已移交给您：101 件事项，1 家重点企业的首席服务员", zh.Subject);
        Assert.Contains("管理员 于 2026年3月10日（周二）09:00 将 张伟 的工作移交给您", zh.TextBody);
        Assert.Contains("== 移交给您的事项（101） ==", zh.TextBody);
        Assert.Contains("AYKF-2026-000100", zh.TextBody);
        Assert.DoesNotContain("AYKF-2026-000101", zh.TextBody);
        Assert.Contains("另有 1 件事项未在此列出", zh.HtmlBody);
        Assert.Contains("&lt;b&gt;用地&lt;/b&gt;", zh.HtmlBody);
        Assert.Contains("href=\"https://liaison.example/enterprises/7\"", zh.HtmlBody);
        Assert.Equal("[Work handed over] 张伟's work is now yours: 101 cases, chief service officer of 1 key enterprise", en.Subject);
        Assert.Contains("Cases handed over to you (101)", en.HtmlBody);
        Assert.Contains("1 more case is not listed here", en.TextBody);
        Assert.Contains("1 more case is not listed here", en.HtmlBody);
        Assert.Equal("【工作移交】张伟 的工作已移交给您：0 件事项，1 个服务专班", nothing.Subject);
        Assert.DoesNotContain("移交给您的事项", nothing.TextBody);
        Assert.Throws<ArgumentException>(() => _renderer.Render(new WorkHandoverMail("李娜", "张伟", "管理员", Local(3, 10, 9), [], [new EnterpriseLine("x", "javascript:alert(1)")], []), "zh-CN"));
    }

    [Fact]
    public void English_recipients_get_the_english_template()
    {
        var mail = _renderer.Render(new HandlerDigestMail("Wang", new DateOnly(2026, 3, 10), [], [Line("AYKF-2026-000002", "Power")], []), "en-GB");

        Assert.Equal("[Daily cases] Tue 10 Mar 2026: 1 open case", mail.Subject);
        Assert.Contains("Due soon", mail.HtmlBody);
    }

    [Fact]
    public void English_mails_count_one_case_in_the_singular_and_two_in_the_plural()
    {
        var lines = new[] { Line("AYKF-2026-000001", "Power"), Line("AYKF-2026-000002", "Land") };
        var squads = new[] { new EnterpriseLine("Anyue Lemon Tech", "https://liaison.example/enterprises/7"), new EnterpriseLine("Anyue New Materials", "https://liaison.example/enterprises/8") };
        RenderedMail Handler(int n) => _renderer.Render(new HandlerDigestMail("Wang", new DateOnly(2026, 3, 10), [], lines[..n], []), "en");
        RenderedMail Officer(int n) => _renderer.Render(new OfficerDigestMail("Wang", new DateOnly(2026, 3, 10), DateTimeOffset.UnixEpoch, [], lines[..n], [])
        {
            VisitsDue = squads[..n].Select(e => new VisitDueLine(e.Name, new DateOnly(2026, 1, 5), 3, e.Link)).ToList(),
        }, "en");
        RenderedMail Handover(int n) => _renderer.Render(new WorkHandoverMail("Li Na", "张伟", "Admin", Local(3, 10, 9), lines[..n], squads[..n], squads[..n]), "en");

        Assert.Equal("[Daily cases] Tue 10 Mar 2026: 1 open case", Handler(1).Subject);
        Assert.Equal("[Daily cases] Tue 10 Mar 2026: 2 open cases", Handler(2).Subject);
        Assert.Equal("[Case digest] Tue 10 Mar 2026: 1 case for you, 1 key enterprise due a visit", Officer(1).Subject);
        Assert.Equal("[Case digest] Tue 10 Mar 2026: 2 cases for you, 2 key enterprises due a visit", Officer(2).Subject);
        Assert.Equal("[Work handed over] 张伟's work is now yours: 1 case, chief service officer of 1 key enterprise, 1 service squad", Handover(1).Subject);
        Assert.Equal("[Work handed over] 张伟's work is now yours: 2 cases, chief service officer of 2 key enterprises, 2 service squads", Handover(2).Subject);
        foreach (var mail in new[] { Handler(1), Handler(2), Officer(1), Officer(2), Handover(1), Handover(2) })
        {
            Assert.DoesNotContain("(s)", mail.Subject + mail.TextBody + mail.HtmlBody);
        }
    }

    [Fact]
    public void The_league_tables_key_enterprise_service_counts_agree_in_its_text_and_html()
    {
        var table = new LeagueTableResult(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8), Local(3, 9, 8, 30), new LeagueRules(), [],
            new LeagueRow("", "Total", 0, 0, 0, 0, 0, 0, 0, 0, 0, null, LeagueMark.Green));
        RenderedMail Render(int n) => _renderer.Render(new LeagueTableMail("Leader", table, null)
        {
            KeyEnterpriseService = new KeyEnterpriseServiceCounts(n, 0, new DateOnly(2026, 3, 8), false, n, n, 0),
        }, "en");

        var one = Render(1);
        var two = Render(2);

        Assert.Contains("1 visit made, 1 problem found; 1 case raised from visit problems", one.TextBody);
        Assert.Contains("1 visit made, 1 problem found; 1 case raised from visit problems", one.HtmlBody);
        Assert.Contains("2 visits made, 2 problems found; 2 cases raised from visit problems", two.TextBody);
        Assert.Contains("2 visits made, 2 problems found; 2 cases raised from visit problems", two.HtmlBody);
    }

    [Theory]
    [InlineData(1, "1 working day", "1 day", "1 more case is not listed here")]
    [InlineData(2, "2 working days", "2 days", "2 more cases are not listed here")]
    public void English_digests_count_days_and_unlisted_cases_in_the_singular_for_one_alike_in_text_and_html(int n, string days, string calendarDays, string omitted)
    {
        // A hundred lines a section are listed: 100 + n leaves n unlisted.
        var overdue = Enumerable.Range(1, 100 + n).Select(i => Line($"AYKF-2026-{i:D6}", "Power") with { OverdueWorkingDays = n }).ToList();
        var dueSoon = new[] { Line("AYKF-2026-000900", "Land") with { WorkingDaysLeft = n } };
        var handler = _renderer.Render(new HandlerDigestMail("Wang", new DateOnly(2026, 3, 10), overdue, dueSoon, []), "en");
        var officer = _renderer.Render(new OfficerDigestMail("Wang", new DateOnly(2026, 3, 10), DateTimeOffset.UnixEpoch, [], overdue, [])
        {
            VisitsDue = [new VisitDueLine("Anyue Lemon Tech", new DateOnly(2026, 2, 1), n, "https://liaison.example/enterprises/7")],
        }, "en");
        var handover = _renderer.Render(new WorkHandoverMail("Li Na", "张伟", "Admin", Local(3, 10, 9), overdue[..1], [], []), "en");

        foreach (var (mail, phrase) in new[]
        {
            (handler, $"overdue by {days}"), (handler, $"{days} left"), (handler, omitted),
            (officer, $"overdue by {days}"), (officer, $"overdue by {calendarDays}"), (officer, omitted),
            (handover, $"overdue by {days}"),
        })
        {
            Assert.Contains(phrase, mail.TextBody);
            Assert.Contains(phrase, mail.HtmlBody);
        }
        foreach (var mail in new[] { handler, officer, handover })
        {
            Assert.DoesNotContain($"{days}s", mail.TextBody + mail.HtmlBody);
            Assert.DoesNotContain($"{calendarDays}s", mail.TextBody + mail.HtmlBody);
        }
    }

    [Theory]
    [InlineData(1.0, "median 1 working day\n")]
    [InlineData(2.0, "median 2 working days\n")]
    [InlineData(1.5, "median 1.5 working days\n")]
    public void The_English_league_table_text_gives_a_median_of_one_working_day_in_the_singular(double median, string expected)
    {
        var row = new LeagueRow("fgj", "发展和改革局", 3, 2, 1, 1, 1, 0, 1, 1, 0, median, LeagueMark.Red);
        var table = new LeagueTableResult(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8), Local(3, 9, 8, 30), new LeagueRules(), [row], row with { DepartmentName = "Total" });

        var mail = _renderer.Render(new LeagueTableMail("Leader", table, null), "en");

        Assert.Contains("发展和改革局: received 3", mail.TextBody);
        Assert.Contains(expected, mail.TextBody);
        Assert.Contains("Total: received 3", mail.TextBody);
        Assert.Equal(2, mail.TextBody!.Split(expected).Length - 1);
    }

    [Fact]
    public void A_league_table_row_without_a_median_says_a_dash_without_a_unit()
    {
        var row = new LeagueRow("fgj", "发展和改革局", 3, 0, 0, 0, 0, 0, 0, 0, 0, null, LeagueMark.Green);
        var table = new LeagueTableResult(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8), Local(3, 9, 8, 30), new LeagueRules(), [row], row with { DepartmentName = "Total" });

        var en = _renderer.Render(new LeagueTableMail("Leader", table, null), "en").TextBody;
        var zh = _renderer.Render(new LeagueTableMail("领导", table, null), "zh-CN").TextBody;

        Assert.Contains("median —", en);
        Assert.DoesNotContain("— working day", en);
        Assert.Contains("中位数 —", zh);
        Assert.DoesNotContain("— 个工作日", zh);
    }

    [Fact]
    public void A_long_section_lists_its_first_hundred_cases_and_counts_the_rest()
    {
        var overdue = Enumerable.Range(1, 130).Select(n => Line($"AYKF-2026-{n:D6}", $"事项 {n}")).ToList();

        var zh = _renderer.Render(new OfficerDigestMail("王建国", new DateOnly(2026, 3, 10), DateTimeOffset.UnixEpoch, [], overdue, []), "zh-CN");
        var en = _renderer.Render(new OfficerDigestMail("Wang", new DateOnly(2026, 3, 10), DateTimeOffset.UnixEpoch, [], overdue, []), "en");

        Assert.Contains("AYKF-2026-000100", zh.TextBody);
        Assert.DoesNotContain("AYKF-2026-000101", zh.TextBody);
        Assert.Contains("== 已超期（130） ==", zh.TextBody);
        Assert.Contains("另有 30 件事项未在此列出", zh.TextBody);
        Assert.Contains("另有 30 件事项未在此列出", zh.HtmlBody);
        Assert.Contains("30 more cases are not listed here", en.TextBody);
        Assert.DoesNotContain("AYKF-2026-000101", en.HtmlBody);
        Assert.DoesNotContain("未在此列出", _renderer.Render(new OfficerDigestMail("王建国", new DateOnly(2026, 3, 10), DateTimeOffset.UnixEpoch, [], overdue[..100], []), "zh-CN").TextBody);
    }

    [Fact]
    public void The_officer_digest_links_the_workbench_when_it_has_one()
    {
        var overdue = new List<DigestCaseLine> { Line("AYKF-2026-000001", "消防验收") };
        var with = new OfficerDigestMail("王建国", new DateOnly(2026, 3, 10), DateTimeOffset.UnixEpoch, [], overdue, [])
        {
            WorkbenchLink = "https://liaison.example/workbench",
        };

        var zh = _renderer.Render(with, "zh-CN");
        var en = _renderer.Render(with, "en");
        Assert.Contains("<a href=\"https://liaison.example/workbench\" style=\"color:#1d4ed8;\">打开工作台</a>", zh.HtmlBody);
        Assert.Contains("工作台（等待您决定和已超期的全部事项）：https://liaison.example/workbench", zh.TextBody);
        Assert.Contains(">Open your workbench</a>", en.HtmlBody);
        Assert.Contains("Your workbench (every case awaiting your decision or overdue): https://liaison.example/workbench", en.TextBody);
        var without = _renderer.Render(with with { WorkbenchLink = null }, "zh-CN");
        Assert.DoesNotContain("工作台", without.HtmlBody + without.TextBody);
    }

    [Fact]
    public void A_link_that_is_not_http_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _renderer.Render(
            new HandlerDigestMail("x", new DateOnly(2026, 3, 10), [Line("A", "t", "javascript:alert(1)")], [], []), "zh-CN"));
    }

    [Fact]
    public void League_table_mail_marks_red_and_yellow()
    {
        var table = new LeagueTableResult(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 8), Local(3, 9, 8, 30), new LeagueRules(),
            [
                new LeagueRow("fgj", "发展和改革局", 3, 2, 1, 1, 1, 0, 1, 1, 0, 1, LeagueMark.Red),
                new LeagueRow("jxj", "经济和信息化局", 1, 1, 1, 0, 0, 0, 0, 0, 0, null, LeagueMark.Green),
            ],
            new LeagueRow("", "合计 / Total", 4, 3, 2, 1, 1, 0, 1, 1, 0, 1, LeagueMark.Red));

        var mail = _renderer.Render(new LeagueTableMail("领导", table, "https://liaison.example/api/reports/league-table.csv?from=2026-03-02&to=2026-03-08"), "zh-CN");

        Assert.Equal("【红黄榜】2026年3月2日（周一）至2026年3月8日（周日） 部门办理情况：红榜 1 个，黄榜 0 个", mail.Subject);
        Assert.Contains("红榜 发展和改革局：收到 3，按时签收 1/2（50%），按时办结 1/1（100%）", mail.TextBody);
        Assert.Contains("background-color:#fee2e2;", mail.HtmlBody);
        Assert.Contains("league-table.csv?from=2026-03-02&amp;to=2026-03-08", mail.HtmlBody);
        // The zone leadership has no account: the mail neither asks it to sign in nor needs it to.
        Assert.Contains("下载 CSV（调度会用；此链接无需登录，仅用于本期，一个月内有效）：", mail.TextBody);
        Assert.Contains("此链接无需登录，仅用于本期，一个月内有效。", mail.HtmlBody);
        Assert.DoesNotContain("登录", mail.TextBody.Replace("无需登录", ""));
        Assert.DoesNotContain("登录", mail.HtmlBody.Replace("无需登录", ""));
        var english = _renderer.Render(new LeagueTableMail("Leader", table, "https://liaison.example/reports/league-table.csv?from=2026-03-02&to=2026-03-08&sig=x"), "en");
        Assert.Contains("the link needs no sign-in, is for this period only and works for a month", english.TextBody);
        Assert.Contains("The link needs no sign-in, is for this period only and works for a month.", english.HtmlBody);
        Assert.DoesNotContain("Sign in to", english.TextBody);
        Assert.DoesNotContain("Sign in to", english.HtmlBody);
    }

    /// <summary>
    /// The co-handling column counts a part the lead resolved over only once the part's deadline had passed (see
    /// docs/joint-cases.md): the rule text and the column's name say so in both languages, as text and HTML.
    /// </summary>
    [Fact]
    public void League_table_mail_says_a_part_resolved_over_counts_only_after_its_deadline()
    {
        var sample = DigestSamples.LeagueTable(Local(3, 9, 8, 30));
        var zh = _renderer.Render(sample, "zh-CN");
        var en = _renderer.Render(sample, "en");

        foreach (var body in new[] { zh.TextBody, zh.HtmlBody })
        {
            Assert.Contains("协办期限届满仍未提交、由主办先行办结的计为未按时提交（逾期未提交），期限届满前主办先行办结的不计入", body);
            Assert.DoesNotContain("主办在协办未提交时先行办结的计为未按时提交", body);
        }

        Assert.Contains("逾期未提交（主办先行办结） 1", zh.TextBody);
        Assert.Contains(">逾期未提交（主办先行办结） 1</span>", zh.HtmlBody);
        foreach (var body in new[] { en.TextBody, en.HtmlBody })
        {
            Assert.Contains("a part the lead resolved over after its deadline had passed (never submitted) counts as late (not submitted by the deadline); one resolved over before its deadline is not counted", body);
        }

        Assert.Contains("not submitted by the deadline (lead resolved) 1", en.TextBody);
        Assert.Contains(">Not submitted by the deadline (lead resolved) 1</span>", en.HtmlBody);
    }

    /// <summary>
    /// Leaders read the league table on a phone: the HTML is a ranked list with one block per department (no
    /// multi-column table), its headline figures labelled first, every other figure on the lines below, and the mail
    /// says the CSV holds the same as a table.
    /// </summary>
    [Fact]
    public void League_table_mail_is_a_ranked_list_of_department_blocks()
    {
        var sample = DigestSamples.LeagueTable(Local(3, 9, 8, 30));
        var zh = _renderer.Render(sample, "zh-CN");
        var en = _renderer.Render(sample, "en");

        foreach (var html in new[] { zh.HtmlBody, en.HtmlBody })
        {
            Assert.DoesNotContain("<th", html);
            Assert.DoesNotMatch("</td>\\s*<td", html);
        }

        Assert.Contains("1. 自然资源和规划局 <span style=\"white-space:nowrap;color:#b91c1c;\">红榜</span>", zh.HtmlBody);
        Assert.Contains("2. 发展和改革局 <span style=\"white-space:nowrap;color:#b45309;\">黄榜</span>", zh.HtmlBody);
        Assert.Contains("3. 供电公司</p>", zh.HtmlBody);
        var first = zh.HtmlBody[zh.HtmlBody.IndexOf("1. 自然资源和规划局", StringComparison.Ordinal)..zh.HtmlBody.IndexOf("2. 发展和改革局", StringComparison.Ordinal)];
        Assert.Contains("当前超期 <strong>2</strong>", first);
        Assert.Contains("按时签收 <strong>89%</strong>（8/9）", first);
        Assert.Contains("按时办结 <strong>50%</strong>（4/8）", first);
        foreach (var figure in new[] { "收到 10", "退回 1", "坚持原派 0", "延期申请 2", "重办 1", "办结中位数 3.5 个工作日", "协办：", "按时提交 33%（1/2）", "满意率 ", "期满未评 1" })
        {
            Assert.Contains(">" + figure, first);
        }

        Assert.Contains("本邮件已列出各部门的全部数字；需要表格形式（调度会用，另含各部门的已评价数）时，请下载 CSV", zh.HtmlBody);
        Assert.Contains("1. 红榜 自然资源和规划局：收到 10，", zh.TextBody);
        Assert.Contains("以上已列出各部门的全部数字；需要表格形式（另含各部门的已评价数）时，", zh.TextBody);

        Assert.Contains("1. 自然资源和规划局 <span style=\"white-space:nowrap;color:#b91c1c;\">Red</span>", en.HtmlBody);
        Assert.Contains(">Accepted on time <strong>89%</strong> (8/9)</span>", en.HtmlBody);
        Assert.Contains(">Median 3.5 working days</span>", en.HtmlBody);
        Assert.Contains("This mail lists every department's figures", WebUtility.HtmlDecode(en.HtmlBody));
        Assert.Contains("1. Red 自然资源和规划局: received 10,", en.TextBody);

        // The column counts extension requests (withdrawn and refused ones too), not extensions granted: it says so.
        Assert.Contains(">Extension requests 2</span>", en.HtmlBody);
        Assert.Contains(", extension requests 2, ", en.TextBody);
        Assert.Contains("，延期申请 2，", zh.TextBody);
        Assert.DoesNotContain(">延期 ", zh.HtmlBody);
        Assert.DoesNotContain(">Extensions ", en.HtmlBody);
    }
}
