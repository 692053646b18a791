using Liaison.Cases.Cases;
using Liaison.Cases.Notifications;

namespace Liaison.Cases.Tests.Notifications;

public class CaseMailRendererTests
{
    private const string LinkUrl = "https://liaison.anyue.example/l/Q2FzZS0xMjM0NTY3ODkwYWJjZGVm";

    // 2026-03-03T10:00Z is 18:00 in Asia/Shanghai, a Tuesday.
    private static readonly DateTimeOffset DueUtc = new(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);

    private static readonly CaseMailRenderer Renderer = new();

    private static CaseMailModel Model(Func<CaseMailModel, CaseMailModel>? change = null)
    {
        var model = new CaseMailModel
        {
            CaseNumber = "AYKF-2026-000123",
            Title = "项目用地报批",
            Description = "企业反映新厂房项目用地报批进度缓慢，影响开工。",
            CategoryNameZh = "项目快速落地",
            CategoryNameEn = "Fast project landing",
            Priority = CasePriority.Normal,
            EnterpriseName = "安岳柠檬科技有限公司",
            DepartmentName = "自然资源和规划局",
            RecipientName = "王建国",
            OfficerName = "李晓梅",
            LinkUrl = LinkUrl,
            AcceptBy = new DateTimeOffset(2026, 2, 26, 10, 0, 0, TimeSpan.Zero),
            DueAt = DueUtc,
            OriginalDueAt = new DateTimeOffset(2026, 2, 27, 10, 0, 0, TimeSpan.Zero),
            OverdueWorkingDays = 3,
            ReasonCode = "not-our-duty",
            ReasonLabel = "不属于本单位职责",
            Note = "该地块归属需由县级部门认定。",
            ExtensionDays = 5,
            ExtensionApproved = true,
        };
        return change is null ? model : change(model);
    }

    public static TheoryData<string, string> EveryKindAndCulture()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in CaseMailKind.All)
        foreach (var culture in CaseMailRenderer.Cultures)
            data.Add(kind, culture);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryKindAndCulture))]
    public void Every_kind_renders_in_both_cultures_with_every_part_filled_and_no_liquid_left(string kind, string culture)
    {
        var mail = Renderer.Render(kind, culture, Model());

        foreach (var part in new[] { mail.Subject, mail.TextBody, mail.HtmlBody })
        {
            Assert.False(string.IsNullOrWhiteSpace(part));
            Assert.DoesNotContain("{{", part);
            Assert.DoesNotContain("{%", part);
            Assert.Contains("AYKF-2026-000123", part);
        }

        Assert.Empty(mail.Warnings);
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.Contains("王建国", mail.TextBody);
        Assert.StartsWith("<!DOCTYPE html>", mail.HtmlBody);
        Assert.Contains($"lang=\"{culture}\"", mail.HtmlBody);
    }

    [Theory]
    [MemberData(nameof(EveryKindAndCulture))]
    public void Every_kind_renders_with_only_the_required_fields(string kind, string culture)
    {
        var bare = new CaseMailModel { CaseNumber = "AYKF-2026-000001", Title = "最少字段", RecipientName = "张三" };

        var mail = Renderer.Render(kind, culture, bare);

        Assert.Contains("AYKF-2026-000001", mail.Subject);
        Assert.Contains("最少字段", mail.HtmlBody);
        Assert.DoesNotContain("href=", mail.HtmlBody);
        Assert.DoesNotContain("（暂定）", mail.TextBody);
    }

    [Fact]
    public void Every_kind_says_something_different_in_its_subject()
    {
        foreach (var culture in CaseMailRenderer.Cultures)
        {
            var subjects = CaseMailKind.All.Select(k => Renderer.Render(k, culture, Model()).Subject).ToList();
            Assert.Equal(subjects.Count, subjects.Distinct().Count());
        }
    }

    [Fact]
    public void The_subject_carries_the_case_number_and_title_with_the_kind_tag()
    {
        Assert.Equal("【派单】AYKF-2026-000123 项目用地报批", Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model()).Subject);
        Assert.Equal("[New case] AYKF-2026-000123 项目用地报批", Renderer.Render(CaseMailKind.Dispatch, "en", Model()).Subject);
    }

    [Theory]
    [InlineData(CaseMailKind.EnterpriseOpened)]
    [InlineData(CaseMailKind.EnterpriseRate)]
    [InlineData(CaseMailKind.EnterpriseAnswered)]
    [InlineData(CaseMailKind.EnterpriseCancelled)]
    [InlineData(CaseMailKind.EnterpriseChanged)]
    public void The_enterprises_mails_name_its_zone_contacts_in_both_cultures(string kind)
    {
        var model = Model(m => m with { ZoneContacts = [new("李晓梅", "li.xiaomei@anyue.example", false), new("周首席", "zhou.chief@anyue.example", true)] });

        var zh = Renderer.Render(kind, "zh-CN", model);
        var en = Renderer.Render(kind, "en", model);

        Assert.Contains("园区联系人：园区工作人员 李晓梅（li.xiaomei@anyue.example）；首席服务员 周首席（zhou.chief@anyue.example）", zh.TextBody);
        Assert.Contains("<a href=\"mailto:zhou.chief@anyue.example\"", zh.HtmlBody);
        Assert.Contains("Zone contact: Park officer 李晓梅 (li.xiaomei@anyue.example); Chief service officer 周首席 (zhou.chief@anyue.example)", en.TextBody);
        Assert.Contains("<a href=\"mailto:li.xiaomei@anyue.example\"", en.HtmlBody);
        // No contacts, no line: other mails never name them.
        Assert.DoesNotContain("园区联系人", Renderer.Render(kind, "zh-CN", Model()).TextBody);
    }

    [Fact]
    public void The_enterprises_change_notice_says_what_changed_in_plain_words_with_the_deadline_before_and_after()
    {
        var moved = Model(m => m with { KeyEvent = EnterpriseChange.Department, DepartmentName = "供电公司", Note = "内部说明" });
        var longer = Model(m => m with { KeyEvent = EnterpriseChange.Deadline, Note = "内部说明" });

        var zh = Renderer.Render(CaseMailKind.EnterpriseChanged, "zh-CN", moved);
        Assert.Equal("【事项进展】AYKF-2026-000123 项目用地报批（承办部门变更）", zh.Subject);
        Assert.Contains("贵企业反映的以下事项已由园区改由供电公司承办", zh.TextBody);
        Assert.Contains("办结期限：", zh.TextBody);
        Assert.DoesNotContain("内部说明", zh.TextBody); // the officer's note is the zone's, not the enterprise's
        var deadline = Renderer.Render(CaseMailKind.EnterpriseChanged, "zh-CN", longer);
        Assert.Equal("【事项进展】AYKF-2026-000123 项目用地报批（办结期限调整）", deadline.Subject);
        Assert.Contains("办结期限已调整如下", deadline.TextBody);
        Assert.Equal("[Case update] AYKF-2026-000123 项目用地报批 (new deadline)", Renderer.Render(CaseMailKind.EnterpriseChanged, "en", longer).Subject);
        Assert.Contains("passed the case below that your company raised to 供电公司", Renderer.Render(CaseMailKind.EnterpriseChanged, "en", moved).TextBody);
    }

    [Fact]
    public void A_title_with_line_breaks_cannot_break_the_subject_header()
    {
        var mail = Renderer.Render(CaseMailKind.Dispatch, "en", Model(m => m with { Title = "Land\r\nBcc: x@evil.example" }));

        Assert.Equal("[New case] AYKF-2026-000123 Land Bcc: x@evil.example", mail.Subject);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Dispatch_carries_the_link_as_the_button_and_in_the_text(string culture)
    {
        var mail = Renderer.Render(CaseMailKind.Dispatch, culture, Model());

        Assert.Contains($"href=\"{LinkUrl}\"", mail.HtmlBody);
        Assert.Contains(LinkUrl, mail.TextBody);
    }

    [Fact]
    public void Dispatch_shows_both_deadlines_the_department_and_the_description()
    {
        var zh = Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model());

        Assert.Contains("签收期限：2026年2月26日（周四）18:00", zh.TextBody);
        Assert.Contains("办结期限：2026年3月3日（周二）18:00", zh.TextBody);
        Assert.Contains("自然资源和规划局", zh.HtmlBody);
        Assert.Contains("企业反映新厂房项目用地报批进度缓慢", zh.HtmlBody);
        Assert.Contains("项目快速落地", zh.HtmlBody);
    }

    [Fact]
    public void English_mail_uses_the_English_category_name_and_labels()
    {
        var en = Renderer.Render(CaseMailKind.Dispatch, "en", Model(m => m with { Priority = CasePriority.Urgent }));

        Assert.Contains("Category: Fast project landing", en.TextBody);
        Assert.Contains("Priority: Urgent", en.TextBody);
        Assert.DoesNotContain("项目快速落地", en.TextBody);
    }

    [Fact]
    public void An_urgent_case_is_marked_in_Chinese()
    {
        Assert.Contains("紧急程度：紧急", Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model(m => m with { Priority = CasePriority.Urgent })).TextBody);
        Assert.Contains("紧急程度：普通", Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model()).TextBody);
    }

    [Fact]
    public void An_urgent_cases_subject_starts_with_the_mark_once_an_edited_one_too_but_not_the_enterprises()
    {
        var urgent = Model(m => m with { Priority = CasePriority.Urgent });
        foreach (var kind in CaseMailKind.All.Except(CaseMailKind.ToEnterprise))
        {
            Assert.StartsWith("【紧急】【", Renderer.Render(kind, "zh-CN", urgent).Subject);
            Assert.StartsWith("[Urgent] [", Renderer.Render(kind, "en", urgent).Subject);
            Assert.DoesNotContain("紧急", Renderer.Render(kind, "zh-CN", Model()).Subject);
        }

        foreach (var kind in CaseMailKind.ToEnterprise)
        {
            Assert.DoesNotContain("紧急", Renderer.Render(kind, "zh-CN", urgent).Subject);
        }

        // An admin's edit gets the mark, unless it says so itself; a title that says 紧急 is not the mark.
        var edited = new CaseMailRenderer(new Overrides
        {
            [(CaseMailKind.Dispatch, "zh-CN", MailPart.Subject)] = "派单 {{ Case.Number }} {{ Case.Title }}",
            [(CaseMailKind.Dispatch, "en", MailPart.Subject)] = "{% if Case.Urgent %}URGENT {% endif %}{{ Case.Number }}",
        });
        Assert.Equal("【紧急】派单 AYKF-2026-000123 项目用地报批", edited.Render(CaseMailKind.Dispatch, "zh-CN", urgent).Subject);
        Assert.Equal("URGENT AYKF-2026-000123", edited.Render(CaseMailKind.Dispatch, "en", urgent).Subject);
        Assert.Equal("【紧急】【派单】AYKF-2026-000123 紧急用电", Renderer.Render(CaseMailKind.Dispatch, "zh-CN", urgent with { Title = "紧急用电" }).Subject);
    }

    [Fact]
    public void Every_value_is_escaped_in_html_and_left_as_written_in_text()
    {
        const string title = "<script>alert('x')</script> & \"用地\"";
        var model = Model(m => m with { Title = title, Note = "<b>注意</b>", EnterpriseName = "A&B <公司>" });

        var mail = Renderer.Render(CaseMailKind.Returned, "zh-CN", model);

        Assert.DoesNotContain("<script>", mail.HtmlBody);
        Assert.DoesNotContain("<b>注意</b>", mail.HtmlBody);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody);
        Assert.Contains("A&amp;B &lt;公司&gt;", mail.HtmlBody);
        Assert.Contains(title, mail.TextBody);
        Assert.Contains("<b>注意</b>", mail.TextBody);
        Assert.Contains(title, mail.Subject);
    }

    [Fact]
    public void Chinese_stays_readable_in_the_html_source()
    {
        var mail = Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model());

        Assert.Contains("<h1 style=\"margin:0 0 16px;font-size:20px;line-height:1.4;color:#111827;\">项目用地报批</h1>", mail.HtmlBody);
        Assert.DoesNotContain("&#x", mail.HtmlBody);
    }

    [Fact]
    public void Html_is_styled_inline_for_phones()
    {
        var html = Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model()).HtmlBody;

        Assert.Contains("name=\"viewport\"", html);
        Assert.Contains("max-width:600px", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain("class=", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<a "));
    }

    [Theory]
    [InlineData("zh-CN", "2026年3月3日（周二）18:00")]
    [InlineData("en", "Tue 3 Mar 2026 18:00")]
    public void Dates_are_shown_in_Shanghai_time(string culture, string expected)
    {
        var mail = Renderer.Render(CaseMailKind.DueReminder, culture, Model(m => m with { DueAt = DueUtc }));

        Assert.Contains(expected, mail.TextBody);
        Assert.Contains(expected, mail.HtmlBody);
        Assert.DoesNotContain("10:00", mail.TextBody);
    }

    [Fact]
    public void An_instant_given_in_another_offset_is_still_shown_in_Shanghai_time()
    {
        // 2026-03-03T05:00-05:00 is 10:00Z, 18:00 in Shanghai.
        var mail = Renderer.Render(CaseMailKind.Dispatch, "en", Model(m => m with { DueAt = new DateTimeOffset(2026, 3, 3, 5, 0, 0, TimeSpan.FromHours(-5)) }));

        Assert.Contains("Due: Tue 3 Mar 2026 18:00", mail.TextBody);
    }

    [Fact]
    public void Dates_cross_midnight_into_the_next_Shanghai_day()
    {
        // 2026-12-31T16:30Z is 00:30 on Friday 1 January 2027 in Shanghai.
        var mail = Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model(m => m with { DueAt = new DateTimeOffset(2026, 12, 31, 16, 30, 0, TimeSpan.Zero) }));

        Assert.Contains("办结期限：2027年1月1日（周五）00:30", mail.TextBody);
    }

    [Theory]
    [InlineData("zh-CN", "办结期限：2026年3月3日（周二）18:00（暂定）")]
    [InlineData("en", "Due: Tue 3 Mar 2026 18:00 (provisional)")]
    public void A_provisional_deadline_is_marked(string culture, string expected)
    {
        var provisional = Renderer.Render(CaseMailKind.Dispatch, culture, Model(m => m with { Provisional = true }));
        var firm = Renderer.Render(CaseMailKind.Dispatch, culture, Model(m => m with { Provisional = false }));

        Assert.Contains(expected, provisional.TextBody);
        Assert.Contains(culture == "en" ? "18:00 (provisional)" : "18:00（暂定）", provisional.HtmlBody);
        Assert.DoesNotContain("暂定", firm.TextBody + firm.HtmlBody);
        Assert.DoesNotContain("provisional", firm.TextBody + firm.HtmlBody);
    }

    [Fact]
    public void Without_a_link_there_is_no_button()
    {
        var mail = Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model(m => m with { LinkUrl = null }));

        Assert.DoesNotContain("<a ", mail.HtmlBody);
        Assert.DoesNotContain("查看并签收", mail.HtmlBody);
        Assert.DoesNotContain("https://", mail.TextBody);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/l/relative-token")]
    [InlineData("ftp://liaison.example/l/x")]
    public void A_link_that_is_not_an_absolute_web_address_is_refused(string link)
    {
        var ex = Assert.Throws<ArgumentException>(() => Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model(m => m with { LinkUrl = link })));
        Assert.Contains("http", ex.Message);
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Renderer.Render("dispatchh", "zh-CN", Model()));
        Assert.Contains("dispatchh", ex.Message);
        Assert.Equal("kind", ex.ParamName);
    }

    [Theory]
    [InlineData("fr", "【派单】")]
    [InlineData(null, "【派单】")]
    [InlineData("", "【派单】")]
    [InlineData("zh", "【派单】")]
    [InlineData("EN", "[New case]")]
    [InlineData("en-GB", "[New case]")]
    public void Cultures_resolve_to_Chinese_unless_English(string? culture, string prefix)
    {
        Assert.StartsWith(prefix, Renderer.Render(CaseMailKind.Dispatch, culture, Model()).Subject);
    }

    [Fact]
    public void The_leader_copy_carries_the_read_only_link()
    {
        var mail = Renderer.Render(CaseMailKind.DispatchLeaderCopy, "zh-CN", Model());

        Assert.StartsWith("【派单抄送】", mail.Subject);
        Assert.Contains($"href=\"{LinkUrl}\"", mail.HtmlBody);
        Assert.Contains("只读", mail.HtmlBody);
    }

    [Fact]
    public void Escalation_to_the_zone_says_how_many_working_days_overdue()
    {
        var zh = Renderer.Render(CaseMailKind.EscalationZone, "zh-CN", Model(m => m with { OverdueWorkingDays = 3 }));
        var en = Renderer.Render(CaseMailKind.EscalationZone, "en", Model(m => m with { OverdueWorkingDays = 3 }));

        Assert.Equal("【督办升级】AYKF-2026-000123 项目用地报批（已超期3个工作日）", zh.Subject);
        Assert.Contains("已超期：3 个工作日", zh.TextBody);
        Assert.Contains("(3 working days overdue)", en.Subject);
    }

    [Theory]
    [InlineData(1, "1 working day", "1 more working day")]
    [InlineData(2, "2 working days", "2 more working days")]
    public void English_mails_count_working_days_in_the_singular_for_one_alike_in_text_and_html(int n, string days, string more)
    {
        var overdue = Renderer.Render(CaseMailKind.Overdue, "en", Model(m => m with { OverdueWorkingDays = n }));
        var keyEnterprise = Renderer.Render(CaseMailKind.KeyEnterpriseUpdate, "en", Model(m => m with { OverdueWorkingDays = n, KeyEvent = CaseMailKind.Overdue }));
        var escalation = Renderer.Render(CaseMailKind.EscalationZone, "en", Model(m => m with
        {
            OverdueWorkingDays = n,
            LateDepartments = [new("自然资源和规划局", true, DueUtc, n)],
        }));
        var extension = Renderer.Render(CaseMailKind.ExtensionRequested, "en", Model(m => m with { ExtensionDays = n }));
        var partExtension = Renderer.Render(CaseMailKind.ExtensionRequested, "en", Model(m => m with { ExtensionDays = n, LeadDepartmentName = "住房和城乡建设局" }));

        Assert.Contains($"({days} overdue)", escalation.Subject);
        foreach (var (mail, text, html) in new[]
        {
            (overdue, $"Overdue by: {days}\n", $">{days}</td>"),
            (keyEnterprise, $"Overdue by: {days}\n", $">{days}</td>"),
            (escalation, $"is {days} past its due date", $"is {days} past its due date"),
            (escalation, $"): due Tue 3 Mar 2026 18:00, {days} late\n", $">{days}</td></tr>"),
            (extension, $"asks for {more} on the case below", $"asks for {more} on the case below"),
            (extension, $"Extension requested: {days}\n", $">{days}</td>"),
            (partExtension, $"asks for {more} to submit its part", $"asks for {more} to submit its part"),
        })
        {
            Assert.Contains(text, mail.TextBody);
            Assert.Contains(html, mail.HtmlBody);
        }
    }

    [Theory]
    [InlineData(1, "the 1 working day it had left when returned runs on from today", "every working day once accepted")]
    [InlineData(2, "the 2 working days it had left when returned run on from today", "every 2 working days once accepted")]
    public void An_English_dispatch_counts_the_days_left_at_a_return_and_the_report_period_in_the_singular_for_one(int n, string left, string every)
    {
        var mail = Renderer.Render(CaseMailKind.Dispatch, "en", Model(m => m with { Insisted = true, InsistWorkingDaysLeft = n, ProgressReportEveryWorkingDays = n }));

        Assert.Contains(left, mail.TextBody);
        Assert.Contains(left, mail.HtmlBody);
        Assert.Contains($"Progress reports: {every}", mail.TextBody);
        Assert.Contains($">{every}</td>", mail.HtmlBody);
    }

    [Theory]
    [InlineData("zh-CN", 2, "审核结果：部分同意：延期 2 个工作日（申请 5 个）", "【延期部分同意】", "延期申请获部分同意（申请 5 个工作日，批准 2 个），新的")]
    [InlineData("en", 2, "Decision: Partly approved: 2 working days (5 asked)", "[Extension partly approved]", "was partly approved, for 2 of the 5 working days asked. The new")]
    [InlineData("en", 1, "Decision: Partly approved: 1 working day (5 asked)", "[Extension partly approved]", "was partly approved, for 1 of the 5 working days asked. The new")]
    [InlineData("zh-CN", 5, "审核结果：同意\n", "【延期已同意】", "延期申请已获同意，新的")]
    [InlineData("en", 5, "Decision: Approved\n", "[Extension approved]", "was approved. The new")]
    public void An_extension_granted_for_fewer_days_than_asked_says_both(string culture, int granted, string says, string subject, string opens)
    {
        var mail = Renderer.Render(CaseMailKind.ExtensionDecided, culture, Model(m => m with { ExtensionGrantedDays = granted }));

        Assert.StartsWith(subject, mail.Subject);
        // The first words say it was partly approved, before the decision's line does.
        Assert.Contains(opens, mail.TextBody);
        Assert.Contains(opens, mail.HtmlBody);
        Assert.Contains(says, mail.TextBody.Replace("\r\n", "\n"));
        Assert.Contains(says.TrimEnd('\n').Split('：', 2)[^1].Split(": ", 2)[^1], mail.HtmlBody);
    }

    [Fact]
    public void Returned_shows_the_reason_label_and_note_to_the_officer()
    {
        var mail = Renderer.Render(CaseMailKind.Returned, "zh-CN", Model());

        Assert.Contains("退回原因：不属于本单位职责", mail.TextBody);
        Assert.Contains("退回说明：该地块归属需由县级部门认定。", mail.TextBody);
        Assert.DoesNotContain("撤销", mail.TextBody);

        // The enterprise withdrew its request: cancelling the case (撤销) is offered too.
        var withdrew = Model(m => m with { ReasonCode = "enterprise-withdrew" });
        Assert.Contains("如企业确已撤回诉求，也可撤销该事项。", Renderer.Render(CaseMailKind.Returned, "zh-CN", withdrew).TextBody);
        Assert.Contains("you can also cancel the case (撤销).", Renderer.Render(CaseMailKind.Returned, "en", withdrew).HtmlBody);
    }

    [Fact]
    public void Returned_for_a_co_handlers_part_says_it_is_the_part_and_names_the_department_and_task()
    {
        var part = Model(m => m with { DepartmentName = "住房和城乡建设局", LeadDepartmentName = "自然资源和规划局", CoHandlerTask = "请核实施工许可" });

        var zh = Renderer.Render(CaseMailKind.Returned, "zh-CN", part);
        var en = Renderer.Render(CaseMailKind.Returned, "en", part);
        var lead = Renderer.Render(CaseMailKind.Returned, "zh-CN", Model());

        Assert.StartsWith("【协办退回】", zh.Subject);
        Assert.Contains("协办部门住房和城乡建设局退回了以下联办事项中的协办任务（主办部门：自然资源和规划局）", zh.TextBody);
        Assert.Contains("协办任务：请核实施工许可", zh.TextBody);
        Assert.Contains("请核实施工许可", zh.HtmlBody);
        Assert.StartsWith("[Part returned]", en.Subject);
        Assert.Contains("住房和城乡建设局 returned its co-handling part", en.TextBody);
        Assert.StartsWith("【退回】", lead.Subject);
        Assert.DoesNotContain("协办", lead.TextBody);
    }

    [Fact]
    public void A_reason_without_a_label_shows_its_code()
    {
        var mail = Renderer.Render(CaseMailKind.Returned, "en", Model(m => m with { ReasonLabel = null }));

        Assert.Contains("Reason: not-our-duty", mail.TextBody);
    }

    [Fact]
    public void Extension_request_shows_the_days_and_the_reason()
    {
        var mail = Renderer.Render(CaseMailKind.ExtensionRequested, "en", Model(m => m with { ExtensionDays = 7, Note = "Waiting for the survey." }));

        Assert.Contains("7 more working days", mail.TextBody);
        Assert.Contains("Extension requested: 7 working days", mail.TextBody);
        Assert.Contains("Reason: Waiting for the survey.", mail.TextBody);
    }

    [Fact]
    public void Extension_decision_words_approval_with_the_new_date_and_denial_differently()
    {
        var approved = Renderer.Render(CaseMailKind.ExtensionDecided, "zh-CN", Model(m => m with { ExtensionApproved = true }));
        var denied = Renderer.Render(CaseMailKind.ExtensionDecided, "zh-CN", Model(m => m with { ExtensionApproved = false }));

        Assert.StartsWith("【延期已同意】", approved.Subject);
        Assert.Contains("新的办结期限为 2026年3月3日（周二）18:00", approved.TextBody);
        Assert.Contains("原办结期限：2026年2月27日（周五）18:00", approved.TextBody);
        Assert.StartsWith("【延期未同意】", denied.Subject);
        Assert.Contains("审核结果：不同意", denied.TextBody);
        Assert.Equal("[Extension denied] AYKF-2026-000123 项目用地报批", Renderer.Render(CaseMailKind.ExtensionDecided, "en", Model(m => m with { ExtensionApproved = false })).Subject);
    }

    [Theory]
    [InlineData(CaseMailKind.ExtensionDecided, "zh-CN", "原办结期限")]
    [InlineData(CaseMailKind.ExtensionDecided, "en", "Original due date")]
    [InlineData(CaseMailKind.Reopened, "zh-CN", "原办结期限")]
    [InlineData(CaseMailKind.Reopened, "en", "Original due date")]
    public void An_original_deadline_is_shown_only_when_it_differs_from_the_current_one(string kind, string culture, string label)
    {
        // A denied extension (or a reopen, whose deadline is scored as its own) leaves the two the same: no line repeating the date.
        var same = Renderer.Render(kind, culture, Model(m => m with { ExtensionApproved = false, OriginalDueAt = DueUtc }));
        var moved = Renderer.Render(kind, culture, Model());

        Assert.DoesNotContain(label, same.TextBody);
        Assert.DoesNotContain(label, same.HtmlBody);
        Assert.Contains(label, moved.TextBody);
        Assert.Contains(label, moved.HtmlBody);
    }

    [Theory]
    [InlineData("zh-CN", "\n办结期限：", ">办结期限</td>", "新办结期限")]
    [InlineData("en", "\nDue date: ", ">Due date</td>", "New due date")]
    public void A_reopen_calls_its_deadline_the_deadline_not_a_new_one(string culture, string textLine, string htmlCell, string notSaid)
    {
        // A reopening never shortens the deadline: it may keep the date the case had, so the date is not called new.
        var mail = Renderer.Render(CaseMailKind.Reopened, culture, Model(m => m with { OriginalDueAt = DueUtc }));

        Assert.Contains(textLine, mail.TextBody);
        Assert.Contains(htmlCell, mail.HtmlBody);
        Assert.DoesNotContain(notSaid, mail.TextBody + mail.HtmlBody);
    }

    [Theory]
    [InlineData("zh-CN", "园区工作人员张伟认为", "李晓梅", "原因")]
    [InlineData("en", "The park officer 张伟 found", "李晓梅", "Reason")]
    public void Reopened_names_the_officer_who_reopened_it_and_no_reason_it_was_not_given(string culture, string actorSays, string caseOfficer, string reasonLabel)
    {
        var mail = Renderer.Render(CaseMailKind.Reopened, culture, Model(m => m with
        {
            ActorName = "张伟", ReasonCode = null, ReasonLabel = null, Note = "Quota still too low.",
        }));

        foreach (var body in new[] { mail.TextBody, mail.HtmlBody })
        {
            Assert.Contains(actorSays, body);
            Assert.DoesNotContain(caseOfficer, body);
            Assert.DoesNotContain(reasonLabel, body);
            Assert.Contains("Quota still too low.", body);
        }
    }

    [Theory]
    [InlineData("zh-CN", "园区工作人员 张伟 催办以下事项，请您抓紧办理", "打开事项办理", "现抄送您知悉，请督促经办人抓紧办理", "查看事项（只读）")]
    [InlineData("en", "The park officer 张伟 urges action on the case below: please act on it promptly", "Open the case",
        "This copy is for your information: please see that the handler acts on it", "View the case (read-only)")]
    public void Urge_names_the_officer_who_urged_and_words_the_leaders_copy_as_a_copy_with_a_read_only_link(
        string culture, string handlerSays, string handlerButton, string leaderSays, string leaderButton)
    {
        var handler = Renderer.Render(CaseMailKind.OfficerUrge, culture, Model(m => m with { ActorName = "张伟" }));
        var leader = Renderer.Render(CaseMailKind.OfficerUrge, culture, Model(m => m with { ActorName = "张伟", RecipientIsCopy = true }));

        foreach (var body in new[] { handler.TextBody, handler.HtmlBody })
        {
            Assert.Contains(handlerSays, body);
            Assert.Contains(handlerButton, body);
            Assert.DoesNotContain("李晓梅", body);
        }

        foreach (var body in new[] { leader.TextBody, leader.HtmlBody })
        {
            Assert.Contains(leaderSays, body);
            Assert.Contains(leaderButton, body);
            Assert.DoesNotContain(handlerButton, body);
            Assert.DoesNotContain(handlerSays, body);
        }
    }

    [Theory]
    [InlineData(CaseMailKind.Dispatch)]
    [InlineData(CaseMailKind.Reopened)]
    [InlineData(CaseMailKind.OfficerUrge)]
    [InlineData(CaseMailKind.ExtensionDecided)]
    [InlineData(CaseMailKind.Overdue)]
    [InlineData(CaseMailKind.Cancelled)]
    [InlineData(CaseMailKind.ReassignedAway)]
    public void A_liaisons_mail_says_replies_reach_the_park_officer(string kind)
    {
        // The host sets Reply-To to the officer on every mail but the officer's own (CaseMailer).
        foreach (var (culture, says, wrong) in new[] { ("zh-CN", "回复本邮件将发给园区工作人员", "无法办理"), ("en", "Replies go to the park officer", "replies are not processed") })
        {
            var mail = Renderer.Render(kind, culture, Model());
            Assert.Contains(says, mail.TextBody);
            Assert.Contains(says, mail.HtmlBody);
            Assert.DoesNotContain(wrong, mail.TextBody);
            Assert.DoesNotContain(wrong, mail.HtmlBody);
        }
    }

    [Theory]
    [InlineData(CaseMailKind.Returned)]
    [InlineData(CaseMailKind.ExtensionRequested)]
    [InlineData(CaseMailKind.Resolved)]
    [InlineData(CaseMailKind.RatedUnsatisfied)]
    [InlineData(CaseMailKind.OfficerHandover)]
    [InlineData(CaseMailKind.EscalationZone)]
    public void A_mail_whose_link_is_the_sign_in_page_does_not_call_it_personal(string kind)
    {
        foreach (var (culture, personal) in new[] { ("zh-CN", "请勿转发"), ("en", "do not forward") })
        {
            var mail = Renderer.Render(kind, culture, Model());
            Assert.DoesNotContain(personal, mail.TextBody);
            Assert.DoesNotContain(personal, mail.HtmlBody);
        }
    }

    [Fact]
    public void Resolved_asks_the_officer_to_confirm_with_the_resolution_note()
    {
        var mail = Renderer.Render(CaseMailKind.Resolved, "en", Model(m => m with { Note = "Land approval issued." }));

        Assert.Contains("Resolution: Land approval issued.", mail.TextBody);
        Assert.Contains("confirm", mail.TextBody);
    }

    [Fact]
    public void Rated_unsatisfied_gives_the_officer_the_enterprises_comment_or_says_it_wrote_none()
    {
        var zh = Renderer.Render(CaseMailKind.RatedUnsatisfied, "zh-CN", Model(m => m with { Note = "电压仍不稳定" }));
        var en = Renderer.Render(CaseMailKind.RatedUnsatisfied, "en", Model(m => m with { Note = null }));

        Assert.Equal("【企业不满意】AYKF-2026-000123 项目用地报批", zh.Subject);
        Assert.Contains("安岳柠檬科技有限公司对以下已销号事项的办理结果评价为“不满意”", zh.TextBody);
        Assert.Contains("企业意见：电压仍不稳定", zh.TextBody);
        Assert.Contains(LinkUrl, zh.HtmlBody);
        Assert.Equal("[Enterprise unsatisfied] AYKF-2026-000123 项目用地报批", en.Subject);
        Assert.Contains("Enterprise's comment: (none given)", en.TextBody);
        Assert.Contains("reopen it", en.TextBody);
    }

    private static readonly CoHandlerStanding[] CoHandlers =
    [
        new("住房和城乡建设局", PartStatus.Submitted, false),
        new("供电公司", PartStatus.Dispatched, true),
        new("生态环境局", PartStatus.Accepted, false),
    ];

    [Theory]
    [InlineData(CaseMailKind.Dispatch)]
    [InlineData(CaseMailKind.DispatchLeaderCopy)]
    [InlineData(CaseMailKind.AcceptReminder)]
    [InlineData(CaseMailKind.DueReminder)]
    [InlineData(CaseMailKind.Overdue)]
    [InlineData(CaseMailKind.ProgressReportDue)]
    [InlineData(CaseMailKind.LeaderReminder)]
    [InlineData(CaseMailKind.PartSubmitted)]
    public void The_leads_mails_list_each_co_handler_with_its_status_late_ones_marked(string kind)
    {
        var zh = Renderer.Render(kind, "zh-CN", Model(m => m with { CoHandlers = CoHandlers }));
        var en = Renderer.Render(kind, "en", Model(m => m with { CoHandlers = CoHandlers }));

        Assert.Contains("协办部门办理情况：\n- 住房和城乡建设局：已提交\n- 供电公司：超期（待签收）\n- 生态环境局：已签收\n", zh.TextBody);
        // A status standing alone as a list item's value or a cell starts with a capital in English.
        Assert.Contains("Co-handling departments:\n- 住房和城乡建设局: Submitted\n- 供电公司: Late (awaiting acceptance)\n- 生态环境局: Accepted\n", en.TextBody);
        Assert.Contains("font-weight:bold;\">超期（待签收）</td>", zh.HtmlBody);
        Assert.Contains("font-weight:bold;\">Late (awaiting acceptance)</td>", en.HtmlBody);
        Assert.Contains("color:#047857;\">已提交</td>", zh.HtmlBody);
    }

    [Theory]
    [InlineData(CaseMailKind.Dispatch)]
    [InlineData(CaseMailKind.Overdue)]
    public void A_single_department_case_mail_has_no_co_handler_block(string kind)
    {
        var mail = Renderer.Render(kind, "zh-CN", Model());

        Assert.DoesNotContain("协办部门办理情况", mail.TextBody);
        Assert.DoesNotContain("协办部门办理情况", mail.HtmlBody);
    }

    [Fact]
    public void Part_submitted_names_the_department_its_note_and_attachments()
    {
        var model = Model(m => m with
        {
            Note = "施工许可已核发。", PartDepartmentName = "住房和城乡建设局", PartAttachments = "https://files.example/permit.pdf\n许可证编号 AY-2026-17",
            CoHandlers = CoHandlers,
        });

        var zh = Renderer.Render(CaseMailKind.PartSubmitted, "zh-CN", model);
        var en = Renderer.Render(CaseMailKind.PartSubmitted, "en", model);

        Assert.Equal("【协办意见已提交】AYKF-2026-000123 项目用地报批", zh.Subject);
        Assert.Equal("[Part submitted] AYKF-2026-000123 项目用地报批", en.Subject);
        Assert.StartsWith("王建国，您好：\n\n住房和城乡建设局已就贵单位主办的以下联办事项提交协办意见", zh.TextBody);
        Assert.Contains("协办意见：施工许可已核发。\n附件：\nhttps://files.example/permit.pdf\n许可证编号 AY-2026-17\n", zh.TextBody);
        Assert.Contains("Their part: 施工许可已核发。", en.TextBody);
        Assert.Contains($"查看协办意见：\n{LinkUrl}", zh.TextBody);
        Assert.Contains("white-space:pre-line;\">https://files.example/permit.pdf&#xA;许可证编号 AY-2026-17</td>", zh.HtmlBody);
    }

    [Fact]
    public void Deadline_moved_says_each_date_that_moved_from_and_to_and_why_for_the_lead_and_a_part()
    {
        var before = new DateTimeOffset(2027, 1, 4, 10, 0, 0, TimeSpan.Zero);
        var after = new DateTimeOffset(2027, 1, 5, 10, 0, 0, TimeSpan.Zero);
        var lead = Model(m => m with { DueAt = after, DueAtBefore = before, ScheduleYear = 2027 });
        var part = Model(m => m with
        {
            DepartmentName = "水务局", LeadDepartmentName = "司法局", CoHandlerTask = "请核实排水管网", DueAt = after, DueAtBefore = before,
            AcceptBy = new DateTimeOffset(2027, 1, 5, 10, 0, 0, TimeSpan.Zero), AcceptByBefore = new DateTimeOffset(2027, 1, 1, 10, 0, 0, TimeSpan.Zero), ScheduleYear = 2027,
        });

        var zh = Renderer.Render(CaseMailKind.DeadlineMoved, "zh-CN", lead);
        var en = Renderer.Render(CaseMailKind.DeadlineMoved, "en", lead);
        var partZh = Renderer.Render(CaseMailKind.DeadlineMoved, "zh-CN", part);
        var partEn = Renderer.Render(CaseMailKind.DeadlineMoved, "en", part);

        Assert.Equal("【期限调整】AYKF-2026-000123 项目用地报批", zh.Subject);
        Assert.Contains("2027 年节假日安排已公布或更正，系统按新的安排重新计算了以下事项的期限，办结期限由 2027年1月4日（周一）18:00 调整为 2027年1月5日（周二）18:00。", zh.TextBody);
        Assert.Contains("办结期限：2027年1月5日（周二）18:00\n原办结期限：2027年1月4日（周一）18:00\n", zh.TextBody);
        Assert.DoesNotContain("签收期限", zh.TextBody);
        Assert.Contains($"打开事项：\n{LinkUrl}", zh.TextBody);
        Assert.Equal("[Deadline moved] AYKF-2026-000123 项目用地报批", en.Subject);
        Assert.Contains("The 2027 holiday schedule was published or corrected", en.TextBody);
        Assert.Contains("the due date moved from Mon 4 Jan 2027 18:00 to Tue 5 Jan 2027 18:00.", en.TextBody);
        Assert.Equal("【协办期限调整】AYKF-2026-000123 项目用地报批", partZh.Subject);
        Assert.Contains("贵单位协办任务的期限，提交期限由 2027年1月4日（周一）18:00 调整为 2027年1月5日（周二）18:00，签收期限由 2027年1月1日（周五）18:00 调整为 2027年1月5日（周二）18:00。", partZh.TextBody);
        Assert.Contains("原提交期限：2027年1月4日（周一）18:00\n", partZh.TextBody);
        Assert.Contains("原签收期限：2027年1月1日（周五）18:00\n", partZh.TextBody);
        Assert.Contains("原提交期限</td>", partZh.HtmlBody);
        Assert.Equal("[Part's deadline moved] AYKF-2026-000123 项目用地报批", partEn.Subject);
        Assert.Contains("the submit deadline moved from Mon 4 Jan 2027 18:00 to Tue 5 Jan 2027 18:00; the acceptance deadline moved from Fri 1 Jan 2027 18:00", partEn.TextBody);
    }

    [Fact]
    public void The_reassignment_reopening_and_all_parts_in_words_are_said_in_both_languages()
    {
        var leadChanged = Model(m => m with { DepartmentName = "水务局", LeadDepartmentName = "司法局", LeadHandlerName = "赵磊", ReassignedFromDepartmentName = "交通运输局", CoHandlerTask = "请核实排水管网" });
        Assert.Equal("【主办部门变更】AYKF-2026-000123 项目用地报批", Renderer.Render(CaseMailKind.LeadChanged, "zh-CN", leadChanged).Subject);
        Assert.Contains("园区已将主办部门由交通运输局改派为司法局", Renderer.Render(CaseMailKind.LeadChanged, "zh-CN", leadChanged).TextBody);
        var en = Renderer.Render(CaseMailKind.LeadChanged, "en", leadChanged);
        Assert.Equal("[Lead department changed] AYKF-2026-000123 项目用地报批", en.Subject);
        Assert.Contains("from 交通运输局 to 司法局 (改派)", en.TextBody);
        Assert.Contains("Your task: 请核实排水管网", en.TextBody);
        Assert.Contains("Please work with 司法局 (its handler: 赵磊) on your part", en.TextBody);

        // A reassignment of a case no one returned: from which department, and the officer's note.
        var moved = Model(m => m with { ReassignedFromDepartmentName = "交通运输局", Note = "改由司法局牵头" });
        Assert.Contains("This case was with 交通运输局; the zone has now reassigned it to your department (改派).\nThe zone's note: 改由司法局牵头",
            Renderer.Render(CaseMailKind.Dispatch, "en", moved).TextBody);
        Assert.DoesNotContain("was with", Renderer.Render(CaseMailKind.Dispatch, "en", Model()).TextBody);

        // A co-handler asked again on a reopening.
        var again = Model(m => m with { LeadDepartmentName = "自然资源和规划局", PartAskedAgain = true, PartSubmittedBefore = true, Note = "条件有变" });
        var againEn = Renderer.Render(CaseMailKind.Dispatch, "en", again);
        // Worded as 【派单·协办·重办】 means: the part is asked again, not a new case and not itself reopened.
        Assert.StartsWith("[Co-handling asked again] AYKF-2026-000123", againEn.Subject);
        Assert.StartsWith("[Co-handling asked again, copy for you] AYKF-2026-000123", Renderer.Render(CaseMailKind.DispatchLeaderCopy, "en", again).Subject);
        Assert.StartsWith("[New case, co-handling] AYKF", Renderer.Render(CaseMailKind.Dispatch, "en", Model(m => m with { LeadDepartmentName = "自然资源和规划局" })).Subject);
        Assert.Contains("Reason for reopening: 条件有变", againEn.TextBody);
        // The lead is named as the leader's copy names it, not "Co-handling; lead department: …".
        Assert.Contains("\nLead department: 自然资源和规划局 (your department co-handles)\n", againEn.TextBody.Replace("\r\n", "\n"));
        Assert.Contains("Your department submitted its part in the round before", againEn.TextBody);
        Assert.StartsWith("【派单·协办·重办】", Renderer.Render(CaseMailKind.Dispatch, "zh-CN", again).Subject);

        // The lead's reopen mail names whom it asks again.
        var reopened = Model(m => m with { CoHandlers = [new("住房和城乡建设局", PartStatus.Submitted, false, AskedAgain: true), new("供电公司", PartStatus.Submitted, false)] });
        Assert.Contains("Co-handler asked again: 住房和城乡建设局", Renderer.Render(CaseMailKind.Reopened, "en", reopened).TextBody);
        Assert.DoesNotContain("asked again: 供电公司", Renderer.Render(CaseMailKind.Reopened, "en", reopened).TextBody);

        // All parts in: the lead may resolve now.
        var allIn = Model(m => m with { PartDepartmentName = "供电公司", CoHandlers = [new("住房和城乡建设局", PartStatus.Submitted, false), new("供电公司", PartStatus.Submitted, false)] });
        Assert.Contains("Every co-handling department has submitted: you can resolve the case.", Renderer.Render(CaseMailKind.PartSubmitted, "en", allIn).TextBody);
        var oneOpen = Model(m => m with { PartDepartmentName = "供电公司", CoHandlers = [new("住房和城乡建设局", PartStatus.Accepted, false), new("供电公司", PartStatus.Submitted, false)] });
        Assert.Contains("Once every co-handling department has submitted", Renderer.Render(CaseMailKind.PartSubmitted, "en", oneOpen).TextBody);
    }

    [Fact]
    public void Validate_names_a_misspelt_member_of_a_co_handler_and_accepts_the_right_ones()
    {
        Assert.Empty(Renderer.Validate("{% for h in CoHandlers %}{{ h.Department }} {{ h.Status }}{% if h.Late %}!{% endif %}{% if h.Submitted %}✓{% endif %}{% endfor %}{{ Part.Department }} {{ Part.Attachments }}"));

        var problems = Renderer.Validate("{% for h in CoHandlers %}{{ h.Departmnt }}{% endfor %}");

        Assert.Contains("未知变量：CoHandlers.Departmnt（是否应为 CoHandlers.Department） / Unknown variable: CoHandlers.Departmnt (did you mean CoHandlers.Department?)", problems);
    }

    [Fact]
    public void A_long_description_is_cut_to_an_excerpt()
    {
        var longText = string.Concat(Enumerable.Repeat("用地", 300));

        var mail = Renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model(m => m with { Description = longText }));

        Assert.Contains(longText[..CaseMailValues.DescriptionExcerptLength] + "…", mail.TextBody);
        Assert.DoesNotContain(longText[..(CaseMailValues.DescriptionExcerptLength + 1)], mail.TextBody);
    }

    [Fact]
    public void An_override_replaces_the_shipped_template_for_that_kind_culture_and_part_only()
    {
        var overrides = new Overrides { [(CaseMailKind.Dispatch, "zh-CN", MailPart.Subject)] = "新派单 {{ Case.Number }} 给 {{ Recipient.Name }}" };
        var renderer = new CaseMailRenderer(overrides);

        Assert.Equal("新派单 AYKF-2026-000123 给 王建国", renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model()).Subject);
        Assert.StartsWith("[New case]", renderer.Render(CaseMailKind.Dispatch, "en", Model()).Subject);
        Assert.StartsWith("【派单抄送】", renderer.Render(CaseMailKind.DispatchLeaderCopy, "zh-CN", Model()).Subject);
        Assert.Contains("查看并签收", renderer.Render(CaseMailKind.Dispatch, "zh-CN", Model()).HtmlBody);
    }

    [Fact]
    public void An_edited_override_takes_effect_on_the_next_render()
    {
        var overrides = new Overrides { [(CaseMailKind.Closed, "en", MailPart.Text)] = "first {{ Case.Number }}" };
        var renderer = new CaseMailRenderer(overrides);
        Assert.Equal("first AYKF-2026-000123", renderer.Render(CaseMailKind.Closed, "en", Model()).TextBody);

        overrides[(CaseMailKind.Closed, "en", MailPart.Text)] = "second {{ Case.Number }}";

        Assert.Equal("second AYKF-2026-000123", renderer.Render(CaseMailKind.Closed, "en", Model()).TextBody);
    }

    [Fact]
    public void An_html_override_still_escapes_values()
    {
        var overrides = new Overrides { [(CaseMailKind.Dispatch, "zh-CN", MailPart.Html)] = "<p>{{ Case.Title }}</p>" };

        var mail = new CaseMailRenderer(overrides).Render(CaseMailKind.Dispatch, "zh-CN", Model(m => m with { Title = "<img src=x>" }));

        Assert.Equal("<p>&lt;img src=x&gt;</p>", mail.HtmlBody);
    }

    [Fact]
    public void A_broken_override_falls_back_to_the_shipped_template_with_a_warning()
    {
        var overrides = new Overrides { [(CaseMailKind.Dispatch, "zh-CN", MailPart.Subject)] = "{% if Case.Urgent %}急 {{ Case.Number }}" };

        var mail = new CaseMailRenderer(overrides).Render(CaseMailKind.Dispatch, "zh-CN", Model());

        Assert.Equal("【派单】AYKF-2026-000123 项目用地报批", mail.Subject);
        var warning = Assert.Single(mail.Warnings);
        Assert.Equal((CaseMailKind.Dispatch, "zh-CN", MailPart.Subject), (warning.Kind, warning.Culture, warning.Part));
        Assert.StartsWith("模板语法错误", warning.Why.Zh);
        Assert.Contains("dispatch/zh-CN/Subject", warning.ToString()); // the log line names the template's key
    }

    [Fact]
    public void The_renderer_is_told_the_kind_culture_and_part_it_looks_up()
    {
        var overrides = new Overrides();

        new CaseMailRenderer(overrides).Render(CaseMailKind.Overdue, "en-US", Model());

        Assert.Equal(
            [(CaseMailKind.Overdue, "en", MailPart.Subject), (CaseMailKind.Overdue, "en", MailPart.Text), (CaseMailKind.Overdue, "en", MailPart.Html)],
            overrides.Asked);
    }

    [Theory]
    [MemberData(nameof(EveryKindAndCulture))]
    public void Every_shipped_template_passes_validation(string kind, string culture)
    {
        foreach (var part in Enum.GetValues<MailPart>())
        {
            Assert.Empty(Renderer.Validate(CaseMailRenderer.ShippedSource(kind, culture, part)));
        }
    }

    [Fact]
    public void Validate_reports_a_syntax_error_with_its_position()
    {
        var problems = Renderer.Validate("<p>{{ Case.Title </p>");

        Assert.Equal("模板语法错误（第 1 行第 17 列）：标签缺少结尾 }} / Liquid syntax error at line 1, column 17: End of tag '}}' was expected", Assert.Single(problems));
    }

    [Theory]
    [InlineData("{{ a | }}", "“|”之后缺少过滤器名", "An identifier was expected after the '|' sign")]
    [InlineData("{% bogus %}", "未知的标签 bogus", "Unknown tag 'bogus'")]
    [InlineData("{{ 'x }}", "此处缺少一个值", "A value was expected")]
    public void Validate_says_a_syntax_error_once_in_each_language_with_the_line_and_column(string source, string zh, string en)
    {
        // The source line after it is left out: it is in the textarea already, and a " / " in it split the message.
        var problem = Assert.Single(Renderer.Validate("<p>{{ Case.Title }}</p>\n<p>查看 / View</p>" + source + "\n"));

        var text = Liaison.Cases.Common.Text.FromBilingual(problem);
        Assert.Matches($"^模板语法错误（第 2 行第 \\d+ 列）：{System.Text.RegularExpressions.Regex.Escape(zh)}$", text.Zh);
        Assert.Matches($"^Liquid syntax error at line 2, column \\d+: {System.Text.RegularExpressions.Regex.Escape(en)}$", text.En);
    }

    [Fact]
    public void An_unclosed_if_is_said_once_per_language_where_the_parser_stopped()
    {
        var source = string.Concat(Enumerable.Repeat("<p>{{ Case.Title }}</p>\n", 48)) + "{% if Link %}<a href=\"{{ Link }}\">查看 / View</a>";

        Assert.Equal("模板语法错误（第 49 行第 48 列）：缺少 {% endif %} / Liquid syntax error at line 49, column 48: '{% endif %}' was expected",
            Assert.Single(Renderer.Validate(source)));
    }

    [Fact]
    public void Validate_reports_an_unclosed_tag()
    {
        var problem = Assert.Single(Renderer.Validate("{% if Link %}<a href=\"{{ Link }}\">go</a>"));
        Assert.Contains("endif", problem);
    }

    [Fact]
    public void Validate_names_a_misspelt_variable_and_suggests_the_nearest()
    {
        var problems = Renderer.Validate("{{ Case.Titel }} {{ Recipient.Nmae }} {{ Lnk }} {{ Whatever.Else }}");

        Assert.Equal(
            [
                "未知变量：Case.Titel（是否应为 Case.Title） / Unknown variable: Case.Titel (did you mean Case.Title?)",
                "未知变量：Recipient.Nmae（是否应为 Recipient.Name） / Unknown variable: Recipient.Nmae (did you mean Recipient.Name?)",
                "未知变量：Lnk（是否应为 Link） / Unknown variable: Lnk (did you mean Link?)",
                "未知变量：Whatever / Unknown variable: Whatever",
            ],
            problems);
    }

    [Fact]
    public void Variable_names_ignore_case_as_Liquid_names_do()
    {
        var overrides = new Overrides { [(CaseMailKind.Closed, "zh-CN", MailPart.Subject)] = "{{ case.number }} {{ recipient.name }}" };

        Assert.Empty(Renderer.Validate("{{ case.number }} {{ recipient.name }}"));
        Assert.Equal("AYKF-2026-000123 王建国", new CaseMailRenderer(overrides).Render(CaseMailKind.Closed, "zh-CN", Model()).Subject);
    }

    [Fact]
    public void Validate_finds_a_misspelt_variable_in_the_else_branch_too()
    {
        var problems = Renderer.Validate("{% if Extension.Approved %}{{ Case.Due }}{% else %}{{ Case.Deu }}{% endif %}");

        Assert.Contains(problems, p => p.Contains("Unknown variable: Case.Deu"));
    }

    [Fact]
    public void Validate_reports_an_unknown_filter()
    {
        var problems = Renderer.Validate("{{ Case.Title | upcasse }}");

        Assert.Contains(problems, p => p.Contains("upcasse"));
    }

    [Fact]
    public void Validate_refuses_an_empty_template()
    {
        Assert.Single(Renderer.Validate("  "));
    }

    [Fact]
    public void Validate_accepts_a_correct_edit_using_filters_and_assignments()
    {
        Assert.Empty(Renderer.Validate("{% assign t = Case.Title | upcase %}{{ t }} {{ Case.Number | append: '!' }}{% if Link %}{{ Link }}{% endif %}"));
    }

    [Fact]
    public void Validate_stops_a_runaway_loop()
    {
        var problems = Renderer.Validate("{% for i in (1..100000) %}{{ i }}{% endfor %}");

        Assert.Contains("执行上限（MaxSteps）", Assert.Single(problems));
    }

    [Fact]
    public void Validate_refuses_a_range_or_a_text_too_large_to_hold_before_building_it()
    {
        // Fluid would build the hundred million numbers (gigabytes) before the step limit's first count.
        var range = Renderer.Validate("{% for i in (1..100000000) %}x{% endfor %}");
        var doubled = Renderer.Validate("{% assign s = Case.Title %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}");

        Assert.Equal("模板渲染出错：范围（100000000 个数）超过 100000 个的上限 / The template failed to render: a range of 100000000 numbers is over the limit of 100000",
            Assert.Single(range));
        Assert.NotEmpty(doubled);
        Assert.All(doubled, problem => Assert.Contains("超过 1000000 个字符的上限", problem));
    }

    [Fact]
    public void Shipped_source_of_an_unknown_kind_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CaseMailRenderer.ShippedSource("nope", "zh-CN", MailPart.Html));
    }

    [Fact]
    public void Kinds_are_the_sixteen_of_the_design_part_submitted_part_added_lead_extended_lead_changed_deadline_moved_the_key_enterprises_three_the_enterprises_answer_cancellation_and_change_notice_the_three_handovers_the_urging_and_the_unsatisfied_rating()
    {
        Assert.Equal(
            ["dispatch", "dispatch-leader-copy", "accept-reminder", "due-reminder", "overdue", "escalation-zone", "progress-report-due",
             "returned", "extension-requested", "extension-decided", "resolved", "reopened", "reassigned-away", "cancelled", "leader-reminder", "closed",
             "part-submitted", "part-added", "lead-extended", "lead-changed", "deadline-moved", "key-enterprise-update", "enterprise-opened", "enterprise-rate", "enterprise-answered", "enterprise-cancelled", "enterprise-changed", "officer-handover", "handler-handover",
             "leader-handover", "officer-urge", "rated-unsatisfied"],
            CaseMailKind.All);
    }

    private sealed class Overrides : Dictionary<(string Kind, string Culture, MailPart Part), string>, ITemplateOverrides
    {
        public List<(string, string, MailPart)> Asked { get; } = [];

        public string? Find(string kind, string culture, MailPart part)
        {
            Asked.Add((kind, culture, part));
            return TryGetValue((kind, culture, part), out var source) ? source : null;
        }
    }
    [Fact]
    public void A_co_handlers_extension_request_names_the_co_handling_and_the_lead_department_not_the_responsible_one()
    {
        var part = Model(m => m with { DepartmentName = "住房和城乡建设局", LeadDepartmentName = "自然资源和规划局", ExtensionApproved = null, ExtensionDays = 3 });
        var zh = Renderer.Render(CaseMailKind.ExtensionRequested, "zh-CN", part);
        var en = Renderer.Render(CaseMailKind.ExtensionRequested, "en", part);

        Assert.Contains("协办部门：住房和城乡建设局\n主办部门：自然资源和规划局\n", zh.TextBody);
        Assert.DoesNotContain("责任部门", zh.TextBody);
        Assert.Contains(">协办部门</td>", zh.HtmlBody);
        Assert.Contains(">主办部门</td>", zh.HtmlBody);
        Assert.DoesNotContain("责任部门", zh.HtmlBody);
        Assert.Contains("Co-handling department: 住房和城乡建设局\nLead department: 自然资源和规划局\n", en.TextBody);
        Assert.Contains(">Co-handling department</td>", en.HtmlBody);
        Assert.Contains(">Lead department</td>", en.HtmlBody);
        // The lead's own request keeps 责任部门.
        Assert.Contains("责任部门：自然资源和规划局", Renderer.Render(CaseMailKind.ExtensionRequested, "zh-CN", Model(m => m with { ExtensionApproved = null })).TextBody);
    }

    [Fact]
    public void A_co_handlers_extension_request_says_the_most_the_officer_can_grant_before_the_leads_deadline()
    {
        var lead = DueUtc.AddDays(1);
        CaseMailModel Asked(int? most) => Model(m => m with
        {
            DepartmentName = "住房和城乡建设局", LeadDepartmentName = "自然资源和规划局", ExtensionApproved = null, ExtensionDays = 3,
            ExtensionMostDays = most, ExtensionLatestDue = most is null ? null : DueUtc, ExtensionLeadDue = most is null ? null : lead,
        });

        var some = Asked(1);
        Assert.Contains("最多可批准：1 个工作日（协办的提交期限不能晚于 2026年3月3日（周二）18:00，即主办部门办结期限 2026年3月4日（周三）18:00 减去协办提前量）",
            Renderer.Render(CaseMailKind.ExtensionRequested, "zh-CN", some).TextBody);
        Assert.Contains("<strong>1 个工作日</strong>", Renderer.Render(CaseMailKind.ExtensionRequested, "zh-CN", some).HtmlBody);
        var someEn = Renderer.Render(CaseMailKind.ExtensionRequested, "en", some);
        Assert.Contains("Most that can be granted: 1 working day (the part cannot be due after Tue 3 Mar 2026 18:00: the lead's resolve deadline, Wed 4 Mar 2026 18:00, less the co-handlers' lead time)", someEn.TextBody);
        Assert.Contains("<strong>1 working day</strong>", someEn.HtmlBody);

        var none = Asked(0);
        Assert.Contains("须先延长主办部门的办结期限才能批准", Renderer.Render(CaseMailKind.ExtensionRequested, "zh-CN", none).TextBody);
        Assert.Contains("须先延长主办部门的办结期限才能批准", Renderer.Render(CaseMailKind.ExtensionRequested, "zh-CN", none).HtmlBody);
        Assert.Contains("Can be granted: none.", Renderer.Render(CaseMailKind.ExtensionRequested, "en", none).TextBody);
        Assert.Contains("the lead's deadline must move first", Renderer.Render(CaseMailKind.ExtensionRequested, "en", none).HtmlBody);

        // All asked can be granted, or no cap known: nothing is said.
        foreach (var model in new[] { Asked(3), Asked(null) })
        {
            Assert.DoesNotContain("可批准", Renderer.Render(CaseMailKind.ExtensionRequested, "zh-CN", model).TextBody);
            Assert.DoesNotContain("can be granted", Renderer.Render(CaseMailKind.ExtensionRequested, "en", model).TextBody);
        }
    }

    [Fact]
    public void A_co_handler_whose_part_moved_to_another_department_reads_that_its_part_was_reassigned_not_the_case()
    {
        var part = Model(m => m with { DepartmentName = "供电公司", LeadDepartmentName = "自然资源和规划局", CoHandlerTask = "请确认供电方案" });
        var zh = Renderer.Render(CaseMailKind.ReassignedAway, "zh-CN", part);
        var en = Renderer.Render(CaseMailKind.ReassignedAway, "en", part);

        const string Zh = "园区已将贵单位在以下联办事项中的协办任务（请确认供电方案）改派给其他部门（主办部门：自然资源和规划局），贵单位无需继续办理。";
        Assert.Contains(Zh, zh.TextBody);
        Assert.Contains(Zh, zh.HtmlBody);
        Assert.DoesNotContain("以下事项已由园区改派", zh.TextBody);
        const string En = "The zone has moved your department's part (请确认供电方案) of the joint case below (lead: 自然资源和规划局) to another department";
        Assert.Contains(En, en.TextBody);
        Assert.DoesNotContain("reassigned the case below", en.TextBody);
        // The lead's own keeps its words.
        Assert.Contains("以下事项已由园区改派，不再由您办理", Renderer.Render(CaseMailKind.ReassignedAway, "zh-CN", Model()).TextBody);
    }
    [Fact]
    public void The_officers_resolved_mail_lists_each_co_handler_with_its_opinions_first_lines_or_the_reason_its_part_ended()
    {
        var joint = Model(m => m with
        {
            CoHandlers =
            [
                new("住房和城乡建设局", PartStatus.Submitted, false, Note: "施工许可可并联办理\r\n已与企业对接\n材料已收齐\n第四行不列出"),
                new("供电公司", PartStatus.Overridden, false, Note: "供电公司三日未回复"),
                new("生态环境局", PartStatus.Dropped, false, Note: "不涉及环评"),
            ],
        });
        var zh = Renderer.Render(CaseMailKind.Resolved, "zh-CN", joint);
        var en = Renderer.Render(CaseMailKind.Resolved, "en", joint);

        Assert.Contains("协办部门办理情况：\n- 住房和城乡建设局：已提交。协办意见：施工许可可并联办理 已与企业对接 材料已收齐 …\n"
            + "- 供电公司：主办已办结（未提交）。理由：供电公司三日未回复\n- 生态环境局：已撤回。理由：不涉及环评\n", zh.TextBody);
        Assert.DoesNotContain("第四行", zh.TextBody);
        Assert.Contains("协办意见：施工许可可并联办理 已与企业对接 材料已收齐 …</span>", zh.HtmlBody);
        Assert.Contains("Co-handling departments:\n- 住房和城乡建设局: Submitted. Opinion: 施工许可可并联办理 已与企业对接 材料已收齐 …\n", en.TextBody);
        Assert.Contains("- 供电公司: Not submitted; the lead resolved the case. Reason: 供电公司三日未回复\n", en.TextBody);
        Assert.Contains("Reason: 不涉及环评</span>", en.HtmlBody);
        // A single-department case lists none.
        Assert.DoesNotContain("协办部门办理情况", Renderer.Render(CaseMailKind.Resolved, "zh-CN", Model()).TextBody);
    }
}
