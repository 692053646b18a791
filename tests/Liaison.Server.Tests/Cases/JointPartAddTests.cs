using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Workflows;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>增加协办部门: a department joins a case under way as a co-handler (POST /api/cases/{number}/parts).</summary>
public sealed class JointPartAddTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static object OneDepartment(string lead) => new
    {
        title = "新厂房用电报装",
        description = "企业新厂房需要接入10kV线路。",
        category = "factor-guarantee",
        priority = "normal",
        departmentCode = lead,
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
    };

    private static string Handler(string department) => $"{department}.handler@anyue.example";

    private async Task<string> DispatchLinkAsync(string department, string number) =>
        PathOf(LinkIn((await MailsAsync(_app, Handler(department), number)).Single(m => m.Subject!.Contains("派单"))));

    /// <summary>
    /// A case opened for one department gains a co-handler once the lead finds it needs one: the new department gets its
    /// dispatch with its task and its own link, its part runs as a child of the case's workflow with a deadline before the
    /// lead's, the lead cannot resolve before its part is in, and once it is, the lead resolves.
    /// </summary>
    [Fact]
    public async Task A_department_added_to_a_case_under_way_co_handles_it_and_the_lead_resolves_once_its_part_is_in()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var opened = await OpenAsync(officer, OneDepartment("zrzyj"));
        var number = opened.GetProperty("number").GetString()!;
        var lead = await DispatchLinkAsync("zrzyj", number);
        await PostActionAsync(browser, lead, "accept");

        var added = await officer.PostAsJsonAsync($"/api/cases/{number}/parts",
            new { departmentCode = "gdgs", task = "请确认10kV接入方案", note = "用地办理中发现需供电公司配合", requestId = Guid.NewGuid() });

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var c = await added.Content.ReadFromJsonAsync<JsonElement>();
        var part = Assert.Single(c.GetProperty("coDepartments").EnumerateArray());
        Assert.Equal(("gdgs", "dispatched"), (part.GetProperty("departmentCode").GetString(), part.GetProperty("status").GetString()));
        Assert.True(part.GetProperty("dueAt").GetDateTimeOffset() < c.GetProperty("dueAt").GetDateTimeOffset());
        // The lead goes on as it was.
        Assert.Equal(("zrzyj", "accepted"), (c.GetProperty("department").GetString(), c.GetProperty("status").GetString()));
        var dispatch = (await MailsAsync(_app, Handler("gdgs"), number)).Single(m => m.Subject!.Contains("派单"));
        Assert.Contains("请确认10kV接入方案", dispatch.TextBody);
        // The lead's handler hears of it: which department, its task and deadline, the officer's note, and a link.
        var told = Assert.Single(await MailsAsync(_app, Handler("zrzyj"), number), m => m.Subject!.Contains("【新增协办部门】"));
        Assert.Contains("新增协办部门：供电公司", told.TextBody);
        Assert.Contains("协办任务：请确认10kV接入方案", told.TextBody);
        Assert.Contains("协办提交期限：", told.TextBody);
        Assert.Contains("园区说明：用地办理中发现需供电公司配合", told.TextBody);
        Assert.Contains("/l/", told.TextBody);
        var timeline = c.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == CaseEventKinds.PartAdded && e.GetProperty("note").GetString() == "用地办理中发现需供电公司配合");

        // Its workflow is a child of the case's, as the parts an open dispatches are.
        var (caseInstance, parents) = await _app.WithDbAsync(async db =>
        {
            var row = await db.Cases.SingleAsync(x => x.Number == number);
            var partRow = await db.Set<CasePart>().SingleAsync(p => p.CaseId == row.Id);
            var instance = await db.Set<WorkflowInstanceRecord>().SingleAsync(i => i.Id == partRow.WorkflowInstanceId);
            return (row.WorkflowInstanceId, instance.ParentInstanceId);
        });
        Assert.Equal(caseInstance, parents);

        var refused = await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        var partLink = await DispatchLinkAsync("gdgs", number);
        await PostActionAsync(browser, partLink, "accept");
        await PostActionAsync(browser, partLink, "submit", new() { ["note"] = "接入方案已确认" });
        Assert.Equal(HttpStatusCode.Redirect, (await PostActionAsync(browser, lead, "resolve", new() { ["note"] = "已办结" })).StatusCode);
        Assert.Equal("resolved", (await GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    /// <summary>
    /// The case page offers the department list without the lead, with a department that has a part listed but not
    /// offered; adding one lands back on the page with its banner and the new part, and a refusal says why on the page.
    /// </summary>
    [Fact]
    public async Task The_case_page_adds_a_co_handling_department_and_says_why_not_when_it_cannot()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, OneDepartment("zrzyj"))).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.DoesNotContain("<option value=\"zrzyj\">", page[page.IndexOf("data-add-part", StringComparison.Ordinal)..]);

        var form = FormFor(page, "add-part") ?? throw new InvalidOperationException(page);
        var fields = new Dictionary<string, string>(form) { ["departmentCode"] = "gdgs", ["task"] = "请确认接入方案", ["note"] = "" };
        var posted = await browser.PostAsync($"/cases/{number}/parts", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var after = WebUtility.HtmlDecode(await browser.GetStringAsync($"/cases/{number}"));
        Assert.Contains("已增加协办部门并派单", after);
        Assert.Contains("请确认接入方案", after);
        Assert.Contains("<option value=\"gdgs\" disabled>供电公司（已有协办）</option>", after);

        var again = FormFor(await browser.GetStringAsync($"/cases/{number}"), "add-part")!;
        var refused = await browser.PostAsync($"/cases/{number}/parts",
            new FormUrlEncodedContent(new Dictionary<string, string>(again) { ["departmentCode"] = "gdgs" }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("供电公司已是本事项的协办部门", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Single((await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray());
    }

    [Fact]
    public async Task The_same_request_again_adds_the_department_once()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, OneDepartment("zrzyj"))).GetProperty("number").GetString()!;
        var request = new { departmentCode = "swuj", requestId = Guid.NewGuid() };

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts", request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts", request)).StatusCode);

        Assert.Single((await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray());
        Assert.Single(await MailsAsync(_app, Handler("swuj"), number), m => m.Subject!.Contains("派单"));
    }

    /// <summary>A department that cannot join, the field its 400 names and words its message says.</summary>
    public static TheoryData<string?, string, string> CannotJoin => new()
    {
        { null, "departmentCode", "必填" },
        { "nowhere", "departmentCode", "没有代码为 nowhere 的在用部门" },
        { "zrzyj", "departmentCode", "自然资源和规划局是主办部门" },
        { "zjj", "departmentCode", "住房和城乡建设局已是本事项的协办部门（待签收）" },
    };

    [Theory]
    [MemberData(nameof(CannotJoin))]
    public async Task A_department_that_cannot_join_is_400_naming_it_and_nothing_changes(string? code, string field, string says)
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await OpenAsync(officer, OneDepartment("zrzyj"))).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/parts", new { departmentCode = "zjj" })).StatusCode);
        var before = await _app.WithDbAsync(db => db.CaseEvents.CountAsync(e => db.Cases.Any(x => x.Id == e.CaseId && x.Number == number)));

        var response = await officer.PostAsJsonAsync($"/api/cases/{number}/parts", new { departmentCode = code, task = "任务" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var message = problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains(says, message);
        Assert.Contains(" / ", message);
        Assert.Single((await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray());
        Assert.Equal(before, await _app.WithDbAsync(db => db.CaseEvents.CountAsync(e => db.Cases.Any(x => x.Id == e.CaseId && x.Number == number))));
    }

    [Fact]
    public async Task No_department_joins_a_resolved_case_or_one_returned_to_the_officer()
    {
        var officer = await _app.AsOfficerAsync();
        var browser = _app.Anonymous();
        var resolved = (await OpenAsync(officer, OneDepartment("zrzyj"))).GetProperty("number").GetString()!;
        var link = await DispatchLinkAsync("zrzyj", resolved);
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "已办结" });
        var returned = (await OpenAsync(officer, OneDepartment("tcj"))).GetProperty("number").GetString()!;
        await PostActionAsync(browser, await DispatchLinkAsync("tcj", returned), "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于本单位" });

        foreach (var (number, state) in new[] { (resolved, "已办结，待确认"), (returned, "已退回") })
        {
            var response = await officer.PostAsJsonAsync($"/api/cases/{number}/parts", new { departmentCode = "gdgs" });
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains($"事项{state}，不能再增加协办部门", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            Assert.Empty((await GetCaseAsync(officer, number)).GetProperty("coDepartments").EnumerateArray());
        }
    }
}
