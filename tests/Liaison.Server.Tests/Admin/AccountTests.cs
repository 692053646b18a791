using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Cases.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Admin;

/// <summary>An admin changes, deactivates (停用) and reactivates accounts, and hands an officer's work over to another.</summary>
public sealed class AccountTests : IAsyncLifetime
{
    private const string Password = "officer-password-1";
    private LiaisonApp _app = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        // The race tests hold a row until the second request waits on it too; on a loaded machine that request may take
        // longer to get there than the first's default 30 s command timeout allows.
        _app = await LiaisonApp.StartAsync(nameof(AccountTests), configure: s => s["ConnectionStrings:Liaison"] += ";Command Timeout=120");
        _admin = await _app.AsAdminAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonElement> AccountAsync(string email) =>
        (await _admin.GetFromJsonAsync<List<JsonElement>>("/api/users"))!.Single(u => u.GetProperty("email").GetString() == email);

    private async Task<string> IdOfAsync(string email) => (await AccountAsync(email)).GetProperty("id").GetString()!;

    private Task<HttpResponseMessage> PutAsync(string id, object body) => _admin.PutAsJsonAsync($"/api/users/{Uri.EscapeDataString(id)}", body);

    private async Task<HttpStatusCode> SignInStatusAsync(string email, string password) =>
        (await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email, password })).StatusCode;

    private static string Code(int n)
    {
        var first17 = $"91512021MA3{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    private static object KeyEnterprise(int n, string chief, params string[] squad) => new
    {
        name = $"安岳移交测试企业{n}",
        creditCode = Code(n),
        industryChain = "天然气",
        isKey = true,
        chiefServiceOfficer = chief,
        serviceSquad = squad,
        contacts = new object[] { new { name = "王经理", phone = "13800001111", email = $"wang{n}@gas.example", forNotices = true } },
    };

    [Fact]
    public async Task An_admin_changes_an_accounts_email_name_role_language_and_password_and_its_sessions_end()
    {
        var officer = await _app.AsOfficerAsync("changing@test.example");
        var id = await IdOfAsync("changing@test.example");

        var response = await PutAsync(id, new
        {
            email = "changed@test.example", displayName = "改名专员", role = "admin", culture = "en", password = "a-new-password-42",
        });
        var dto = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("changed@test.example", "改名专员", "en", true), (dto.GetProperty("email").GetString(), dto.GetProperty("displayName").GetString(),
            dto.GetProperty("culture").GetString(), dto.GetProperty("active").GetBoolean()));
        Assert.Equal(["Admin"], dto.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await officer.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("changing@test.example", Password));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("changed@test.example", Password));
        // The password the admin set is temporary: its holder changes it first (FirstPasswordTests), then works as an admin.
        Assert.True(dto.GetProperty("mustChangePassword").GetBoolean());
        var first = await _app.SignInAsync("changed@test.example", "a-new-password-42");
        Assert.Equal(HttpStatusCode.NoContent,
            (await first.PostAsJsonAsync("/api/auth/password", new { currentPassword = "a-new-password-42", newPassword = "own-password-43" })).StatusCode);
        var again = await _app.SignInAsync("changed@test.example", "own-password-43");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/users")).StatusCode); // an admin now

        // A change of name only keeps the account's sessions.
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(id, new { email = "changed@test.example", displayName = "再改名", role = "Admin", culture = "en" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me")).StatusCode);

        // Back to officer, password kept when none is given.
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(id, new { email = "changed@test.example", displayName = "改名专员", role = "Officer" })).StatusCode);
        var officerAgain = await _app.SignInAsync("changed@test.example", "own-password-43");
        Assert.Equal(HttpStatusCode.Forbidden, (await officerAgain.GetAsync("/api/users")).StatusCode);
        Assert.Equal(["Officer"], (await AccountAsync("changed@test.example")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Deactivating_an_officer_with_work_needs_a_successor_who_then_gets_its_cases_and_enterprises()
    {
        var leaver = await _app.AsOfficerAsync("leaver@test.example");
        await _app.AsOfficerAsync("successor@test.example");
        await _app.AsOfficerAsync("colleague@test.example");
        var leaverId = await IdOfAsync("leaver@test.example");
        var successorId = await IdOfAsync("successor@test.example");
        var open = (await OpenAsync(leaver)).GetProperty("number").GetString()!;
        var cancelled = (await OpenAsync(leaver)).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await leaver.PostAsJsonAsync($"/api/cases/{cancelled}/cancel", new { note = "企业已自行解决" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await leaver.PostAsJsonAsync("/api/enterprises",
            KeyEnterprise(1, "leaver@test.example", "leaver@test.example", "colleague@test.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await leaver.PostAsJsonAsync("/api/enterprises",
            KeyEnterprise(2, "colleague@test.example", "leaver@test.example", "successor@test.example"))).StatusCode);

        // Not without naming who takes the work over; nothing changes.
        var refused = await PutAsync(leaverId, new { email = "leaver@test.example", displayName = "离任专员", active = false });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var message = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("handOverTo")[0].GetString();
        Assert.Contains("the account still has 1 case that needs its officer, is the chief service officer of 1 key enterprise, serves in 2 service squads", message);
        Assert.True((await AccountAsync("leaver@test.example")).GetProperty("active").GetBoolean());
        Assert.Equal("测试专员", (await AccountAsync("leaver@test.example")).GetProperty("displayName").GetString());

        var done = await PutAsync(leaverId, new { email = "leaver@test.example", displayName = "测试专员", active = false, handOverTo = "SUCCESSOR@test.example" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.False((await done.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());

        var officers = await _app.WithDbAsync(db => db.Cases.Where(c => c.Number == open || c.Number == cancelled).ToDictionaryAsync(c => c.Number, c => c.OfficerId));
        Assert.Equal(successorId, officers[open]);
        Assert.Equal(leaverId, officers[cancelled]); // history stays with whoever handled it
        var timeline = (await GetCaseAsync(await _app.AsOfficerAsync("successor@test.example"), open)).GetProperty("timeline").EnumerateArray().ToList();
        var handover = Assert.Single(timeline, e => e.GetProperty("kind").GetString() == CaseEventKinds.OfficerChanged);
        Assert.Equal("测试专员 → 测试专员", handover.GetProperty("note").GetString());

        // The successor is told at once, in one mail: the open case with its page, the enterprise it is now chief of and
        // the squad it joined; not enterprise 2, whose squad it was in already (only the leaver left it). Nobody else gets one.
        var told = Assert.Single(await MailsAsync(_app, "successor@test.example", "【工作移交】"));
        Assert.Equal("【工作移交】测试专员 的工作已移交给您：1 件事项，1 家重点企业的首席服务员，1 个服务专班", told.Subject);
        Assert.Contains($"https://liaison.test.example/cases/{open}", told.TextBody);
        Assert.DoesNotContain(cancelled, told.TextBody);
        Assert.Contains("安岳移交测试企业1", told.TextBody);
        Assert.DoesNotContain("安岳移交测试企业2", told.TextBody);
        Assert.DoesNotContain("安岳移交测试企业2", told.HtmlBody);
        Assert.DoesNotContain(_app.Smtp!.Received, m => m.Subject!.Contains("【工作移交】") && !m.To.Mailboxes.Any(b => b.Address == "successor@test.example"));

        string[] codes = [Code(1), Code(2)];
        var enterprises = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Include(e => e.ServiceSquad)
            .Where(e => codes.Contains(e.CreditCode)).OrderBy(e => e.Name).ToListAsync());
        var colleagueId = await IdOfAsync("colleague@test.example");
        Assert.Equal(successorId, enterprises[0].ChiefServiceOfficerId);
        Assert.Equal(new[] { colleagueId, successorId }.Order(StringComparer.Ordinal), enterprises[0].ServiceSquad.Select(m => m.OfficerId).Order(StringComparer.Ordinal));
        Assert.Equal(colleagueId, enterprises[1].ChiefServiceOfficerId);
        Assert.Equal([successorId], enterprises[1].ServiceSquad.Select(m => m.OfficerId));

        // The account is shut: its token, its password, and it can no longer be named to serve an enterprise.
        Assert.Equal(HttpStatusCode.Unauthorized, (await leaver.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("leaver@test.example", Password));
        // Its own password is told the account was deactivated, on the API and the sign-in page; a wrong one learns nothing.
        var deactivated = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "leaver@test.example", password = Password });
        Assert.Contains("账号已停用", await deactivated.Content.ReadAsStringAsync());
        var wrong = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "leaver@test.example", password = Password + "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("邮箱或密码错误", await wrong.Content.ReadAsStringAsync());
        var browser = _app.Anonymous();
        var form = await browser.GetStringAsync("/account/login");
        var page = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form), ["email"] = "leaver@test.example", ["password"] = Password,
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Contains("账号已停用，请联系管理员", await page.Content.ReadAsStringAsync());
        var chief = await _admin.PostAsJsonAsync("/api/enterprises", KeyEnterprise(3, "leaver@test.example"));
        Assert.Equal(HttpStatusCode.BadRequest, chief.StatusCode);
        Assert.Contains("no active officer account", await chief.Content.ReadAsStringAsync());

        // Reactivated, it signs in again (with nothing of its old work).
        var reactivated = await PutAsync(leaverId, new { email = "leaver@test.example", displayName = "测试专员", active = true });
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.True((await reactivated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());
        Assert.True((await AccountAsync("leaver@test.example")).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("leaver@test.example", Password));
        Assert.Equal(successorId, await _app.WithDbAsync(db => db.Cases.Where(c => c.Number == open).Select(c => c.OfficerId).SingleAsync()));

        // A handover with nothing to move tells nobody.
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(leaverId, new { email = "leaver@test.example", displayName = "测试专员", active = false, handOverTo = "successor@test.example" })).StatusCode);
        Assert.Single(await MailsAsync(_app, "successor@test.example", "【工作移交】"));
        // The same request again (a resend) changes nothing and logs nothing.
        Task<int> EntriesAsync() => _app.WithDbAsync(db => db.Set<Liaison.Server.Audit.AuditEntry>().CountAsync(e => e.Subject == "leaver@test.example"));
        var entries = await EntriesAsync();
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(leaverId, new { email = "leaver@test.example", displayName = "测试专员", active = false, handOverTo = "successor@test.example" })).StatusCode);
        Assert.Equal(entries, await EntriesAsync());
    }

    [Fact]
    public async Task A_handover_racing_an_edit_that_gives_the_leavers_enterprise_another_chief_names_and_logs_only_what_it_moved()
    {
        await _app.AsOfficerAsync("leaver@test.example");
        await _app.AsOfficerAsync("successor@test.example");
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        var leaverId = await IdOfAsync("leaver@test.example");
        Assert.Equal(HttpStatusCode.Created, (await colleague.PostAsJsonAsync("/api/enterprises", KeyEnterprise(4, "leaver@test.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await colleague.PostAsJsonAsync("/api/enterprises", KeyEnterprise(5, "leaver@test.example"))).StatusCode);
        var contested = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Where(e => e.CreditCode == Code(4)).Select(e => e.Id).SingleAsync());

        // The edit naming another chief is saving when the handover starts: the two meet on the enterprise's row, held
        // here until both are under way, and the edit commits first.
        await using var row = await HeldLock.TakeAsync(_app, $"SELECT 1 FROM enterprises WHERE id = {contested} FOR UPDATE");
        var edit = colleague.PutAsJsonAsync($"/api/enterprises/{contested}", KeyEnterprise(4, "colleague@test.example"));
        await row.UntilWaitingAsync(1, orDone: edit);
        var handover = PutAsync(leaverId, new { email = "leaver@test.example", displayName = "测试专员", active = false, handOverTo = "successor@test.example" });
        await row.UntilWaitingAsync(2, orDone: handover);
        await row.ReleaseAsync();

        Assert.Equal(HttpStatusCode.OK, (await edit).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await handover).StatusCode);
        var chiefs = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Where(e => e.CreditCode == Code(4) || e.CreditCode == Code(5))
            .ToDictionaryAsync(e => e.CreditCode, e => e.ChiefServiceOfficerId));
        Assert.Equal(await IdOfAsync("colleague@test.example"), chiefs[Code(4)]);
        Assert.Equal(await IdOfAsync("successor@test.example"), chiefs[Code(5)]);
        // The successor is told of the one enterprise that became theirs, and the log counts that one.
        var told = Assert.Single(await MailsAsync(_app, "successor@test.example", "【工作移交】"));
        Assert.Contains("1 家重点企业的首席服务员", told.Subject);
        Assert.Contains("安岳移交测试企业5", told.TextBody);
        Assert.DoesNotContain("安岳移交测试企业4", told.TextBody);
        var logged = await _app.WithDbAsync(db => db.Set<Liaison.Server.Audit.AuditEntry>()
            .Where(e => e.Subject == "leaver@test.example" && e.Action == "account.changed").Select(e => e.Changes).SingleAsync());
        Assert.Equal("1", Liaison.Server.Audit.AuditLog.ReadChanges(logged).Single(c => c.Field == "chiefOfMoved").To);
    }

    [Fact]
    public async Task An_edit_opened_before_a_handover_moved_a_squad_place_is_refused_as_stale()
    {
        await _app.AsOfficerAsync("leaver@test.example");
        await _app.AsOfficerAsync("successor@test.example");
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        var leaverId = await IdOfAsync("leaver@test.example");
        var registered = await colleague.PostAsJsonAsync("/api/enterprises", KeyEnterprise(7, "colleague@test.example", "leaver@test.example"));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var basis = (await colleague.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}")).GetProperty("basis").GetString();

        Assert.Equal(HttpStatusCode.OK, (await PutAsync(leaverId, new { email = "leaver@test.example", displayName = "测试专员", active = false, handOverTo = "successor@test.example" })).StatusCode);

        // The form still shows the leaver in the squad; without them, it would drop the successor's new place unseen.
        var edit = JsonSerializer.SerializeToNode(KeyEnterprise(7, "colleague@test.example"))!.AsObject();
        edit["basis"] = basis;
        Assert.Equal(HttpStatusCode.Conflict, (await colleague.PutAsJsonAsync($"/api/enterprises/{id}", edit)).StatusCode);
        Assert.Equal([await IdOfAsync("successor@test.example")],
            await _app.WithDbAsync(db => db.Set<ServiceSquadMember>().Where(m => m.EnterpriseId == id).Select(m => m.OfficerId).ToListAsync()));
    }

    [Fact]
    public async Task An_edit_naming_an_officer_whose_deactivation_is_committing_leaves_no_seat_to_a_deactivated_account()
    {
        await _app.AsOfficerAsync("leaver@test.example");
        var colleague = await _app.AsOfficerAsync("colleague@test.example");
        var leaverId = await IdOfAsync("leaver@test.example");
        Assert.Equal(HttpStatusCode.Created, (await colleague.PostAsJsonAsync("/api/enterprises", KeyEnterprise(6, "colleague@test.example"))).StatusCode);
        var id = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Where(e => e.CreditCode == Code(6)).Select(e => e.Id).SingleAsync());

        // The edit found the officer active and is saving when the admin deactivates the account, which holds nothing yet.
        await using var row = await HeldLock.TakeAsync(_app, $"SELECT 1 FROM enterprises WHERE id = {id} FOR UPDATE");
        var edit = colleague.PutAsJsonAsync($"/api/enterprises/{id}", KeyEnterprise(6, "colleague@test.example", "leaver@test.example"));
        await row.UntilWaitingAsync(1, orDone: edit);
        var deactivation = PutAsync(leaverId, new { email = "leaver@test.example", displayName = "测试专员", active = false });
        await row.UntilWaitingAsync(2, orDone: deactivation);
        await row.ReleaseAsync();

        // One of them waits for the other: here the edit commits and the deactivation then finds a squad place to hand over.
        Assert.Equal(HttpStatusCode.OK, (await edit).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await deactivation).StatusCode);
        Assert.True((await AccountAsync("leaver@test.example")).GetProperty("active").GetBoolean());
        Assert.Equal([leaverId], await _app.WithDbAsync(db => db.Set<ServiceSquadMember>().Where(m => m.EnterpriseId == id).Select(m => m.OfficerId).ToListAsync()));
    }

    [Fact]
    public async Task The_last_active_admin_stays_and_nobody_deactivates_themselves()
    {
        var adminId = await IdOfAsync(LiaisonApp.AdminEmail);
        var self = new { email = LiaisonApp.AdminEmail, displayName = "管理员", role = "Admin" };

        var demote = await PutAsync(adminId, self with { role = "Officer" });
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Contains("at least one active admin", await demote.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Created, (await _admin.PostAsJsonAsync("/api/users",
            new { email = "second.admin@test.example", displayName = "第二管理员", password = "admin-password-2", role = "Admin" })).StatusCode);
        var ownDeactivation = await PutAsync(adminId, new { self.email, self.displayName, self.role, active = false });
        Assert.Equal(HttpStatusCode.Conflict, ownDeactivation.StatusCode);
        Assert.Contains("your own account", await ownDeactivation.Content.ReadAsStringAsync());

        var secondId = await IdOfAsync("second.admin@test.example");
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(secondId, new { email = "second.admin@test.example", displayName = "第二管理员", role = "Admin", active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PutAsync(adminId, self with { role = "Officer" })).StatusCode);
        Assert.Equal(["Admin"], (await AccountAsync(LiaisonApp.AdminEmail)).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_new_account_with_several_mistakes_hears_of_all_of_them_and_two_admins_creating_one_get_one_account()
    {
        var bad = await _admin.PostAsJsonAsync("/api/users", new { email = "bad", displayName = "y", password = "short" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _), errors.ToString());
        Assert.Contains("太短", errors.GetProperty("password").ToString());

        var body = new { email = "twice@test.example", displayName = "同时创建", password = Password, role = "Officer" };
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _admin.PostAsJsonAsync("/api/users", body)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Single((await _admin.GetFromJsonAsync<List<JsonElement>>("/api/users"))!, u => u.GetProperty("email").GetString() == "twice@test.example");
    }

    [Fact]
    public async Task Bad_changes_are_refused_and_change_nothing()
    {
        await _app.AsOfficerAsync("taken@test.example");
        await _app.AsOfficerAsync("kept@test.example");
        var id = await IdOfAsync("kept@test.example");
        var before = (await AccountAsync("kept@test.example")).ToString();

        Assert.Equal(HttpStatusCode.NotFound, (await PutAsync("no-such-id", new { email = "x@test.example", displayName = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/api/users/no-such-id")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync(id, new { email = "not-an-email", displayName = "", role = "Emperor", culture = "fr" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PutAsync(id, new { email = "TAKEN@test.example", displayName = "改名" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync(id, new { email = "kept@test.example", displayName = "改名", handOverTo = "nobody@test.example" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync(id, new { email = "kept@test.example", displayName = "改名", handOverTo = id })).StatusCode);
        var weak = await PutAsync(id, new { email = "kept@test.example", displayName = "改名", password = "123" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.True((await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("password", out _));

        Assert.Equal(before, (await AccountAsync("kept@test.example")).ToString());
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("kept@test.example", Password));
        var officer = await _app.AsOfficerAsync("other.officer@test.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PutAsJsonAsync($"/api/users/{id}", new { email = "kept@test.example", displayName = "x", active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync($"/api/users/{id}")).StatusCode);
    }
}
