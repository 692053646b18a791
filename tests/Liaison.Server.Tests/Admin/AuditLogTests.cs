using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Audit;
using Liaison.Server.Mail;
using Liaison.Server.Tests.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Liaison.Server.Tests.Workflows;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Admin;

/// <summary>
/// The change log (操作日志): every change to the zone's setup is recorded with who, when and each field before and
/// after, in the same commit as the change; refused and unchanged saves record nothing; admins read it by API and
/// page. Its own database: the changes (a category's limits, a calendar year) would move other tests' deadlines.
/// </summary>
public sealed class AuditLogTests : IAsyncLifetime
{
    private LiaisonApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(AuditLogTests));
        _admin = await _app.AsAdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_unknown_area_is_refused_naming_the_areas_as_the_page_does_with_their_codes()
    {
        var response = await _admin.GetAsync("/api/admin/audit?area=bogus");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var message = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("area").EnumerateArray()).GetString();
        Assert.StartsWith("类别无效，可选：部门与联络人（department）、事项类别（category）、工作日历（calendar）、", message);
        Assert.Contains(" / must be one of: Departments (department), Categories (category), Calendar (calendar), ", message);
    }

    private async Task<List<JsonElement>> EntriesAsync(string query = "")
    {
        var page = await _admin.GetFromJsonAsync<JsonElement>("/api/admin/audit" + query);
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private static Dictionary<string, (string? From, string? To)> Changes(JsonElement entry) =>
        entry.GetProperty("changes").EnumerateArray().ToDictionary(
            c => c.GetProperty("field").GetString()!,
            c => (c.GetProperty("from").GetString(), c.GetProperty("to").GetString()));

    /// <summary>Department <paramref name="code"/> as it is, with this handler.</summary>
    private async Task<HttpResponseMessage> SaveHandlerAsync(string code, string name, string email)
    {
        var current = await _admin.GetFromJsonAsync<JsonElement>($"/api/departments/{code}");
        var leader = current.GetProperty("leader");
        return await _admin.PutAsJsonAsync($"/api/departments/{code}", new
        {
            name = current.GetProperty("name").GetString(),
            handler = new { name, email },
            leader = new { name = leader.GetProperty("name").GetString(), email = leader.GetProperty("email").GetString() },
        });
    }

    [Fact]
    public async Task A_departments_new_liaison_is_logged_with_who_and_the_liaison_before_and_after_and_a_refused_or_unchanged_save_logs_nothing()
    {
        var before = await _admin.GetFromJsonAsync<JsonElement>("/api/departments/fgj");
        var oldHandler = before.GetProperty("handler");

        Assert.Equal(HttpStatusCode.BadRequest, (await SaveHandlerAsync("fgj", "", "not-an-email")).StatusCode);
        Assert.Empty(await EntriesAsync("?area=department"));
        var unchanged = await SaveHandlerAsync("fgj", oldHandler.GetProperty("name").GetString()!, oldHandler.GetProperty("email").GetString()!);
        Assert.Equal(HttpStatusCode.OK, unchanged.StatusCode);
        Assert.Empty(await EntriesAsync("?area=department"));

        Assert.Equal(HttpStatusCode.OK, (await SaveHandlerAsync("fgj", "王新", "wang.xin@fgj.example")).StatusCode);

        var entry = Assert.Single(await EntriesAsync("?area=department"));
        Assert.Equal(AuditActions.DepartmentChanged, entry.GetProperty("action").GetString());
        Assert.Equal("fgj", entry.GetProperty("subject").GetString());
        Assert.Equal(LiaisonApp.AdminEmail, entry.GetProperty("actor").GetString());
        var adminId = await _app.WithDbAsync(db => db.Users.Where(u => u.Email == LiaisonApp.AdminEmail).Select(u => u.Id).SingleAsync());
        Assert.Equal(adminId, await _app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Action == AuditActions.DepartmentChanged).Select(e => e.ActorId).SingleAsync()));
        Assert.Equal("修改部门", entry.GetProperty("label").GetProperty("zh").GetString());
        Assert.Equal(_app.Clock.GetUtcNow(), entry.GetProperty("at").GetDateTimeOffset());
        var handler = Assert.Single(Changes(entry)).Value;
        Assert.Equal($"{oldHandler.GetProperty("name").GetString()} <{oldHandler.GetProperty("email").GetString()}> zh-CN", handler.From);
        Assert.Equal("王新 <wang.xin@fgj.example> zh-CN", handler.To);
    }

    [Fact]
    public async Task Category_limits_a_calendar_year_and_a_template_edit_and_reset_are_logged()
    {
        var category = await _admin.PutAsJsonAsync("/api/categories/other", new
        {
            nameZh = "其他", name = "Other", acceptWithinWorkingDays = 1, resolveWithinWorkingDays = 8, coHandlerLeadWorkingDays = 1,
        });
        Assert.Equal(HttpStatusCode.OK, category.StatusCode);
        const string year = """
            { "year": 2027, "version": "cn-2027-audit", "source": "测试用安排 test schedule",
              "holidays": [ { "name": "New Year's Day", "nameZh": "元旦", "days": ["2027-01-01"] } ], "workdays": [] }
            """;
        Assert.Equal(HttpStatusCode.Accepted,
            (await _admin.PutAsync("/api/calendar/years/2027", new StringContent(year, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await _admin.PutAsJsonAsync("/api/mail-templates/dispatch/zh-CN/subject", new { source = "【派单】{{ Case.Number }} 审计" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/mail-templates/dispatch/zh-CN/subject")).StatusCode);
        // Nothing left to reset: not a change.
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/mail-templates/dispatch/zh-CN/subject")).StatusCode);

        var limits = Changes(Assert.Single(await EntriesAsync("?area=category")));
        Assert.Equal(("10", "8"), Assert.Single(limits, c => c.Key == "resolveWithinWorkingDays").Value);
        Assert.Single(limits);

        var calendar = Assert.Single(await EntriesAsync("?area=calendar"));
        Assert.Equal("2027", calendar.GetProperty("subject").GetString());
        Assert.Equal((null, "cn-2027-audit"), Changes(calendar)["version"]);
        Assert.Equal((null, "1"), Changes(calendar)["holidays"]);
        var calendarPage = await (await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword)).GetStringAsync("/admin/calendar");
        Assert.Contains("href=\"/admin/audit?area=calendar&amp;subject=2027\" data-audit-link", calendarPage);

        var templates = await EntriesAsync("?area=template");
        Assert.Equal([AuditActions.TemplateReset, AuditActions.TemplateSaved], templates.Select(e => e.GetProperty("action").GetString()));
        Assert.All(templates, e =>
        {
            Assert.Equal("dispatch/zh-CN", e.GetProperty("subject").GetString());
            // Which part, never its text.
            Assert.Equal(((string?)null, (string?)null), Assert.Single(Changes(e), c => c.Key == "subject").Value);
        });
    }

    [Fact]
    public async Task Workflow_drafts_and_publishes_are_logged_with_their_versions_and_what_the_first_start_wrote_as_the_system()
    {
        var imported = await EntriesAsync("?area=workflow&actor=system");
        Assert.Contains(imported, e => e.GetProperty("action").GetString() == AuditActions.WorkflowImported
            && e.GetProperty("subject").GetString() == "case-routing");
        var seeded = (await EntriesAsync("?area=sample&actor=system")).ToDictionary(e => e.GetProperty("subject").GetString()!, e => Changes(e)["created"].To);
        Assert.Equal(new Dictionary<string, string?> { ["departments"] = "29", ["enterprises"] = "76" }, seeded);
        var admin = Assert.Single(await EntriesAsync($"?area=account&subject={LiaisonApp.AdminEmail}&actor=system"));
        Assert.Equal(AuditActions.AccountCreated, admin.GetProperty("action").GetString());
        Assert.Equal(((string?)null, (string?)"Admin"), Changes(admin)["role"]);

        var json = Wf.Json("audited", [Wf.Start(), Wf.WriteLine("hello", "hi"), Wf.End()], "start->hello", "hello->end");
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsync("/api/workflow-definitions/audited", new StringContent(json, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsync("/api/workflow-definitions/audited/publish", null)).StatusCode);
        var changed = Wf.Json("audited", [Wf.Start(), Wf.WriteLine("hello", "hi there"), Wf.End()], "start->hello", "hello->end");
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsync("/api/workflow-definitions/audited", new StringContent(changed, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var more = Wf.Json("audited", [Wf.Start(), Wf.WriteLine("hello", "hi there"), Wf.WriteLine("bye", "bye"), Wf.End()], "start->hello", "hello->bye", "bye->end");
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsync("/api/workflow-definitions/audited", new StringContent(more, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsync("/api/workflow-definitions/audited/publish", null)).StatusCode);

        var entries = await EntriesAsync($"?area=workflow&actor={LiaisonApp.AdminEmail}");
        Assert.Equal(
            [
                (AuditActions.WorkflowPublished, "audited"), (AuditActions.WorkflowDraftSaved, "audited v2"), (AuditActions.WorkflowDraftSaved, "audited v2"),
                (AuditActions.WorkflowPublished, "audited"), (AuditActions.WorkflowDraftSaved, "audited v1"),
            ],
            entries.Select(e => (e.GetProperty("action").GetString(), e.GetProperty("subject").GetString())));
        Assert.Equal(((string?)null, (string?)"1"), Changes(entries[3])["version"]);
        // What each save changed in the flowchart, and what the publish changes against the version in force.
        Assert.Equal(
            new Dictionary<string, (string?, string?)> { ["version"] = ("1", "2"), ["activity:hello.text"] = ("hi", "hi there") },
            Changes(entries[2]));
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["activity:bye"] = (null, "Elsa.WriteLine"), ["connection:bye:Done"] = (null, "end"), ["connection:hello:Done"] = ("end", "bye"),
            },
            Changes(entries[1]));
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["version"] = ("1", "2"), ["activity:hello.text"] = ("hi", "hi there"), ["activity:bye"] = (null, "Elsa.WriteLine"),
                ["connection:bye:Done"] = (null, "end"), ["connection:hello:Done"] = ("end", "bye"),
            },
            Changes(entries[0]));
        var page = await (await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword)).GetStringAsync("/admin/audit?area=workflow");
        Assert.Contains("节点 hello 的输入 text", page);
        Assert.Contains("节点 hello 的 Done 端口连至", page);
    }

    [Fact]
    public async Task Account_changes_are_logged_without_any_password()
    {
        const string email = "audited.officer@test.example";
        const string password = "audited-password-1";
        var created = await _admin.PostAsJsonAsync("/api/users", new { email, displayName = "审计专员", password, role = "Officer" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        const string newPassword = "another-secret-9";
        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsJsonAsync($"/api/users/{id}", new
        {
            email, displayName = "审计专员", role = "Admin", culture = "en", password = newPassword,
        })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync($"/api/users/{id}/sessions")).StatusCode);
        var self = await _app.SignInAsync(email, newPassword);
        const string ownPassword = "my-own-choice-7";
        Assert.Equal(HttpStatusCode.BadRequest,
            (await self.PostAsJsonAsync("/api/auth/password", new { currentPassword = "wrong-password-0", newPassword = ownPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent,
            (await self.PostAsJsonAsync("/api/auth/password", new { currentPassword = newPassword, newPassword = ownPassword })).StatusCode);

        var entries = await EntriesAsync($"?area=account&subject={email}");
        Assert.Equal(
            [AuditActions.AccountPasswordChanged, AuditActions.AccountSessionsEnded, AuditActions.AccountChanged, AuditActions.AccountCreated],
            entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(email, entries[0].GetProperty("actor").GetString());
        var changed = Changes(entries[2]);
        Assert.Equal(("Officer", "Admin"), changed["role"]);
        Assert.Equal(("zh-CN", "en"), changed["culture"]);
        Assert.Equal(((string?)null, (string?)null), changed["password"]);
        Assert.Equal(((string?)null, (string?)"Officer"), Changes(entries[3])["role"]);
        // The page says them in the reader's words.
        var page = await (await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword)).GetStringAsync($"/admin/audit?area=account&subject={email}");
        Assert.Contains("<strong>角色</strong>：工作人员 → 管理员", page);
        // English on the Chinese page says so (lang), as names in the other language do.
        Assert.Contains("<strong>语言</strong>：中文 → <span lang=\"en\">English</span>", page);
        var stored = await _app.WithDbAsync(db => db.Set<AuditEntry>().Select(e => e.Changes).ToListAsync());
        Assert.DoesNotContain(stored, c => c.Contains(password) || c.Contains(newPassword) || c.Contains(ownPassword));
    }

    [Fact]
    public async Task Enterprise_register_changes_are_logged_with_officers_by_email_and_contacts_without_their_details()
    {
        var officer = await _app.AsOfficerAsync("chief@test.example");
        var code = RatingTestKit.Code(901);
        object Entry(bool isKey, string phone) => new
        {
            name = "安岳审计柠檬有限公司", creditCode = code, industryChain = "other", isKey, chiefServiceOfficer = isKey ? "chief@test.example" : null,
            contacts = new[] { new { name = "张敏", phone, email = "zhang.min@lemon.example" } },
        };
        var created = await officer.PostAsJsonAsync("/api/enterprises", Entry(isKey: false, phone: "13800000001"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry(isKey: true, phone: "13800000002"))).StatusCode);

        var entries = await EntriesAsync($"?area=enterprise&subject={code}");
        Assert.Equal([AuditActions.EnterpriseChanged, AuditActions.EnterpriseCreated], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("chief@test.example", entries[0].GetProperty("actor").GetString());
        var changed = Changes(entries[0]);
        Assert.Equal(("false", "true"), changed["isKey"]);
        Assert.Equal(((string?)null, (string?)"chief@test.example"), changed["chiefServiceOfficer"]);
        Assert.Equal(((string?)null, (string?)null), changed["contacts"]);
        Assert.Equal(3, changed.Count);
        // An industry chain in words on the page and in its export (医药食品, not MedicineFood).
        var medicine = new
        {
            name = "安岳审计柠檬有限公司", creditCode = code, industryChain = "medicine-food", isKey = true, chiefServiceOfficer = "chief@test.example",
            contacts = new[] { new { name = "张敏", phone = "13800000002", email = "zhang.min@lemon.example" } },
        };
        Assert.Equal(HttpStatusCode.OK, (await officer.PutAsJsonAsync($"/api/enterprises/{id}", medicine)).StatusCode);
        var admin = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        var page = await admin.GetStringAsync($"/admin/audit?area=enterprise&subject={code}");
        Assert.Contains("<strong>产业链</strong>：其他 → 医药食品", page);
        Assert.DoesNotContain("MedicineFood", page);
        var export = await admin.GetStringAsync($"/api/admin/audit.csv?area=enterprise&subject={code}");
        Assert.Contains("产业链：其他 → 医药食品", export);
        Assert.Contains("重点企业：否 → 是", export);
        Assert.DoesNotContain("MedicineFood", export);
        var stored = string.Join("\n", await _app.WithDbAsync(db => db.Set<AuditEntry>().Select(e => e.Changes).ToListAsync()));
        Assert.DoesNotContain("1380000000", stored);
        Assert.DoesNotContain("zhang.min@lemon.example", stored);
    }

    [Fact]
    public async Task An_enterprise_registered_by_a_new_case_is_logged_under_the_officer_and_a_second_case_for_it_logs_nothing()
    {
        var officer = await _app.AsOfficerAsync("opener@test.example");
        var code = RatingTestKit.Code(902);
        object Body(string title) => new
        {
            title, description = "新企业的第一件事项", category = "other", priority = "normal", departmentCode = "fgj",
            enterprise = new { name = "安岳登记测试有限公司", creditCode = code, contact = "李经理 13900000009" },
        };

        await OpenAsync(officer, Body("第一件"));
        await OpenAsync(officer, Body("第二件"));

        var entry = Assert.Single(await EntriesAsync($"?area=enterprise&subject={code}"));
        Assert.Equal(AuditActions.EnterpriseCreated, entry.GetProperty("action").GetString());
        Assert.Equal("opener@test.example", entry.GetProperty("actor").GetString());
        var changes = Changes(entry);
        Assert.Equal(((string?)null, (string?)"安岳登记测试有限公司"), changes["name"]);
        Assert.Equal(((string?)null, (string?)code), changes["creditCode"]);
        Assert.DoesNotContain("13900000009", string.Join("\n", await _app.WithDbAsync(db => db.Set<AuditEntry>().Select(e => e.Changes).ToListAsync())));
    }

    [Fact]
    public async Task Retrying_failed_mail_is_logged_and_a_retry_that_queues_nothing_is_not()
    {
        var mail = await _app.QueueMailAsync(new OutgoingMail("refused@test.example", null, "审计", "text", null, Kind: "test"));
        await _app.WithDbAsync(db => db.Outbox.Where(m => m.Id == mail.Id).ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Failed)));

        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsync($"/api/admin/outbox/{mail.Id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _admin.PostAsync($"/api/admin/outbox/{mail.Id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsync("/api/admin/outbox/retry-failed", null)).StatusCode);

        var entry = Assert.Single(await EntriesAsync("?area=mail"));
        Assert.Equal("refused@test.example", entry.GetProperty("subject").GetString());
        Assert.Equal(((string?)null, (string?)"1"), Changes(entry)["mails"]);
    }

    [Fact]
    public async Task Admins_filter_the_log_by_day_and_page_it_officers_may_not_read_it_and_bad_filters_get_a_400()
    {
        var officer = await _app.AsOfficerAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/admin/audit")).StatusCode);

        // 2026-03-02 09:00 in Shanghai (the test clock), then the next day.
        Assert.Equal(HttpStatusCode.OK, (await SaveHandlerAsync("jxj", "甲", "jia@jxj.example")).StatusCode);
        _app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await SaveHandlerAsync("jxj", "乙", "yi@jxj.example")).StatusCode);

        var firstDay = Assert.Single(await EntriesAsync("?area=department&from=2026-03-02&to=2026-03-02"));
        Assert.Equal("甲 <jia@jxj.example> zh-CN", Changes(firstDay)["handler"].To);
        Assert.Equal("乙 <yi@jxj.example> zh-CN", Changes(Assert.Single(await EntriesAsync("?area=department&from=2026-03-03")))["handler"].To);
        Assert.Equal(2, (await EntriesAsync("?subject=JXJ")).Count);
        Assert.Empty(await EntriesAsync("?area=department&actor=nobody"));
        Assert.Empty(await EntriesAsync("?area=department&page=2"));

        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);
        foreach (var bad in new[] { "area=nowhere", "from=2026-13-01", "from=0001-01-01", "from=2026-03-03&to=2026-03-02", "page=0", "page=x" })
        {
            var response = await _admin.GetAsync("/api/admin/audit?" + bad);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/admin/audit?" + bad)).StatusCode);
        }

        // A well-formed date out of range says so, not that its format is wrong.
        var ancient = await (await _admin.GetAsync("/api/admin/audit?from=0001-01-01")).Content.ReadAsStringAsync();
        Assert.Contains("日期应在 2000 年至 2099 年之间", ancient);
        Assert.DoesNotContain("yyyy-MM-dd", ancient);

        var page = await browser.GetStringAsync("/admin/audit?area=department");
        Assert.Contains("操作日志", page);
        Assert.Contains("data-action=\"department.changed\"", page);
        Assert.Contains("甲 &lt;jia@jxj.example&gt; <span lang=\"en\">zh-CN</span> → 乙 &lt;yi@jxj.example&gt; <span lang=\"en\">zh-CN</span>", page);

        // The department's own page links to its history.
        var edit = await browser.GetStringAsync("/admin/departments/jxj");
        var link = System.Text.RegularExpressions.Regex.Match(edit, "href=\"([^\"]+)\" data-audit-link").Groups[1].Value.Replace("&amp;", "&");
        Assert.Equal("/admin/audit?area=department&subject=jxj", link);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(await browser.GetStringAsync(link), "data-action=\"department.changed\""));
    }

    [Fact]
    public async Task The_log_downloads_as_csv_with_the_same_filters_and_a_filter_matching_too_many_entries_is_refused_not_cut_short()
    {
        Assert.Equal(HttpStatusCode.OK, (await SaveHandlerAsync("czj", "丙", "bing@czj.example")).StatusCode);

        var file = await _admin.GetAsync("/api/admin/audit.csv?area=department&subject=czj");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("text/csv", file.Content.Headers.ContentType?.MediaType);
        var lines = (await file.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("时间 Time,操作人 By,操作 Change,对象 What,变更内容 Before → after", lines[0]);
        var row = Assert.Single(lines[1..]);
        Assert.StartsWith($"2026-03-02 09:00:00,{LiaisonApp.AdminEmail},修改部门,czj,经办联络人：", row);
        Assert.EndsWith("→ 丙 <bing@czj.example> zh-CN", row);

        // 10,001 entries on one earlier day, written straight to the table.
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("""
            INSERT INTO audit_entries (at, actor, action, subject, changes)
            SELECT timestamptz '2026-01-05 10:00+08' + n * interval '1 second', 'bulk@test.example', 'bulk.test', 'bulk', '[]'
            FROM generate_series(1, 10001) AS n
            """));
        var tooMany = await _admin.GetAsync("/api/admin/audit.csv?from=2026-01-05&to=2026-01-05");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("narrow", await tooMany.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await _admin.GetAsync("/api/admin/audit.csv?from=2026-1-5")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await _app.AsOfficerAsync()).GetAsync("/api/admin/audit.csv")).StatusCode);
    }
}
