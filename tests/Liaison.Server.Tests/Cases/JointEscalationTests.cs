using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>Joint cases (联办): each co-handler's escalation ladder runs on its own deadlines (own app: the test moves the clock).</summary>
public sealed class JointEscalationTests : IAsyncLifetime
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(JointEscalationTests));
        _officer = await _app.AsOfficerAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<int> CountAsync(string department, string subject, string number) =>
        (await MailsAsync(_app, $"{department}.handler@anyue.example", subject)).Count(m => m.Subject!.Contains(number));

    [Fact]
    public async Task A_silent_co_handlers_ladder_fires_on_its_own_deadline_and_no_one_elses_does()
    {
        // Opened Monday 2026-03-02 09:00 (factor-guarantee): the lead is due Mon 9th 18:00, co-handlers Fri 6th 18:00.
        var body = new
        {
            title = "新厂房无法投产", description = "施工许可与供电需协同。", category = "factor-guarantee", priority = "normal", departmentCode = "zrzyj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode },
            coDepartments = new[] { new { departmentCode = "zjj", task = "施工许可" }, new { departmentCode = "gdgs", task = "供电" } },
        };
        var number = (await OpenAsync(_officer, body)).GetProperty("number").GetString()!;
        var browser = _app.Anonymous();
        var zjj = PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(browser, zjj, "accept");
        await PostActionAsync(browser, zjj, "submit", new() { ["note"] = "许可已办" });

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 18, 1, 0, China).ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();

        Assert.Equal(1, await CountAsync("gdgs", "超期督办", number));
        Assert.Equal(1, await CountAsync("gdgs", "催签收", number));
        Assert.Equal(0, await CountAsync("zjj", "超期督办", number));
        Assert.Equal(0, await CountAsync("zrzyj", "超期督办", number));
        // The part's red notice speaks of the part: its submit deadline, the lead, its task; not the lead's resolve deadline.
        var partRed = Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", "【超期督办·协办】" + number));
        Assert.Contains("联办事项的协办任务（主办部门为自然资源和规划局）已超过协办提交期限（2026年3月6日（周五）18:00）仍未提交协办意见", partRed.TextBody);
        Assert.Contains("协办提交期限：2026年3月6日（周五）18:00", partRed.TextBody);
        Assert.Contains("主办部门：自然资源和规划局", partRed.TextBody);
        Assert.Contains("协办任务：供电", partRed.TextBody);
        Assert.DoesNotContain("办结期限", partRed.TextBody);
        Assert.DoesNotContain("责任部门", partRed.TextBody);
        Assert.Contains(">协办提交期限</td>", partRed.HtmlBody);
        // The part's leader reads a leader's copy: see that the handler acts; the link shows the case and reminds them.
        var leaderRed = Assert.Single(await MailsAsync(_app, "gdgs.leader@anyue.example", "【超期督办·协办】" + number));
        Assert.Contains("贵单位承担的联办事项协办任务（主办部门为自然资源和规划局）已超过协办提交期限", leaderRed.TextBody);
        Assert.Contains("请督促经办人立即办理", leaderRed.TextBody);
        Assert.Contains("查看事项 / 提醒经办人：", leaderRed.TextBody);
        var red = await _app.WithDbAsync(db => db.CaseEvents.Where(e => e.Kind == "escalated" && e.PartId != null).ToListAsync());
        Assert.Contains(red, e => e.Data!.Contains("\"red\"") && e.Data.Contains("gdgs"));
        Assert.DoesNotContain(red, e => e.Data!.Contains("zjj"));
    }

    [Fact]
    public async Task A_co_handlers_due_soon_reminder_speaks_of_its_part_and_one_not_accepted_says_so_with_its_acceptance_deadline()
    {
        // Opened Monday 2026-03-02 09:00: co-handlers accept by Tue 3rd 18:00, submit by Fri 6th 18:00; reminded a working day before.
        var body = new
        {
            title = "新厂房无法投产", description = "施工许可与供电需协同。", category = "factor-guarantee", priority = "normal", departmentCode = "zrzyj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode },
            coDepartments = new[] { new { departmentCode = "zjj", task = "施工许可" }, new { departmentCode = "gdgs", task = "供电" } },
        };
        var number = (await OpenAsync(_officer, body)).GetProperty("number").GetString()!;
        var zjj = PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(_app.Anonymous(), zjj, "accept");

        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 5, 18, 1, 0, China).ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();

        var gdgs = Assert.Single(await MailsAsync(_app, "gdgs.handler@anyue.example", "【即将到期·协办】" + number));
        Assert.Contains("联办事项的协办任务（主办部门为自然资源和规划局）将于 2026年3月6日（周五）18:00 到期", gdgs.TextBody);
        Assert.Contains("提交期限：2026年3月6日（周五）18:00", gdgs.TextBody);
        Assert.Contains("协办任务：供电", gdgs.TextBody);
        Assert.Contains("按时提交协办意见", gdgs.TextBody);
        Assert.DoesNotContain("办结", gdgs.TextBody);
        Assert.Contains(">提交期限</td>", gdgs.HtmlBody);
        Assert.Contains("此协办任务尚未签收（签收期限：2026年3月3日（周二）18:00），请先签收。", gdgs.TextBody);
        var accepted = Assert.Single(await MailsAsync(_app, "zjj.handler@anyue.example", "【即将到期·协办】" + number));
        Assert.Contains("协办任务：施工许可", accepted.TextBody);
        Assert.DoesNotContain("尚未签收", accepted.TextBody);
        Assert.Empty(await MailsAsync(_app, "zrzyj.handler@anyue.example", "即将到期"));
    }

    /// <summary>
    /// The zone leadership's notice of a joint case lists every department late now, lead and co-handlers, each with
    /// its deadline and how late; a co-handler that submitted is not listed, nor a lead still within its deadline.
    /// </summary>
    [Fact]
    public async Task The_zone_leaderships_notice_lists_the_late_departments_of_a_joint_case()
    {
        // Opened Monday 2026-03-02 09:00: co-handlers due Fri 6th 18:00, the lead Mon 9th 18:00; the zone is told at 3 working days late.
        var body = new
        {
            title = "新厂房无法投产", description = "施工许可与供电需协同。", category = "factor-guarantee", priority = "normal", departmentCode = "zrzyj",
            enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode },
            coDepartments = new[] { new { departmentCode = "zjj", task = "施工许可" }, new { departmentCode = "gdgs", task = "供电" } },
        };
        var number = (await OpenAsync(_officer, body)).GetProperty("number").GetString()!;
        var zjj = PathOf(LinkIn((await MailsAsync(_app, "zjj.handler@anyue.example", number)).Single(m => m.Subject!.Contains("派单"))));
        await PostActionAsync(_app.Anonymous(), zjj, "accept");
        await PostActionAsync(_app.Anonymous(), zjj, "submit", new() { ["note"] = "许可已办" });

        async Task<List<MimeKit.MimeMessage>> ZoneAsync() => (await MailsAsync(_app, "leadership@anyue.example", "督办升级")).Where(m => m.Subject!.Contains(number)).ToList();
        async Task SweepAtAsync(int day)
        {
            _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, day, 18, 1, 0, China).ToUniversalTime());
            await _app.SweepTimersAsync();
            await _app.SweepTimersAsync();
        }

        await SweepAtAsync(6);
        await SweepAtAsync(9);
        Assert.Empty(await ZoneAsync());

        // Wednesday 11th: gdgs's part is 3 working days late (its rung fires); the lead is 2 days late.
        await SweepAtAsync(11);
        var first = Assert.Single(await ZoneAsync());
        // The part's escalation names the part, so the lead's own (the next day) does not read as the same notice.
        Assert.StartsWith($"【督办升级·协办·供电公司】{number}", first.Subject);
        Assert.Contains("以下联办事项中，协办部门供电公司的协办任务（主办部门：自然资源和规划局）已超过协办提交期限 3 个工作日，仍未提交协办意见", first.TextBody);
        Assert.Contains("请协调供电公司尽快提交协办意见。", first.TextBody);
        Assert.Contains("协办提交期限：2026年3月6日（周五）18:00", first.TextBody);
        Assert.DoesNotContain("责任部门", first.TextBody);
        Assert.Contains("本事项为联办事项，目前超期的部门：", first.TextBody);
        Assert.Contains("- 自然资源和规划局（主办）：期限 2026年3月9日（周一）18:00，已超期 2 个工作日", first.TextBody);
        Assert.Contains("- 供电公司（协办）：期限 2026年3月6日（周五）18:00，已超期 3 个工作日", first.TextBody);
        Assert.DoesNotContain("住房和城乡建设局", first.TextBody);
        Assert.Contains("<td style=\"padding:6px 12px 6px 0;border-bottom:1px solid #f3f4f6;vertical-align:top;word-break:break-word;\">供电公司</td>", first.HtmlBody);

        // Thursday 12th: the lead's own rung fires; both are listed, a day later.
        await SweepAtAsync(12);
        var zone = await ZoneAsync();
        Assert.Equal(2, zone.Count);
        Assert.StartsWith($"【督办升级】{number}", zone[1].Subject);
        Assert.Contains("以下事项（责任部门：自然资源和规划局）已超过办结期限 3 个工作日", zone[1].TextBody);
        Assert.Contains("- 自然资源和规划局（主办）：期限 2026年3月9日（周一）18:00，已超期 3 个工作日", zone[1].TextBody);
        Assert.Contains("- 供电公司（协办）：期限 2026年3月6日（周五）18:00，已超期 4 个工作日", zone[1].TextBody);
    }
}
