using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Cases;
using Liaison.Server.Auth;
using Liaison.Server.Tests.Infrastructure;
using Npgsql;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>移交: one case handed to another park officer, through the API and the case page.</summary>
public sealed class CaseHandOverTests : IAsyncLifetime
{
    private const string Officer = "officer@test.example";
    private const string Colleague = "li.na@test.example";
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CaseHandOverTests));
        _officer = await _app.AsOfficerAsync(Officer);
        var admin = await _app.AsAdminAsync();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/users",
            new { email = Colleague, displayName = "李娜", password = "officer-password-2", role = "Officer" })).StatusCode);
        await _app.AccountInUseAsync(Colleague);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<HttpResponseMessage> HandOverAsync(string number, object body) => _officer.PostAsJsonAsync($"/api/cases/{number}/officer", body);

    [Fact]
    public async Task An_officer_hands_a_case_to_a_colleague_and_the_timeline_names_both()
    {
        var opened = await OpenAsync(_officer);
        var number = opened.GetProperty("number").GetString()!;
        Assert.Equal(Officer, opened.GetProperty("officer").GetProperty("email").GetString());

        var response = await HandOverAsync(number, new { officer = "LI.NA@test.example", note = "本人休假" });
        var dto = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("李娜", Colleague), (dto.GetProperty("officer").GetProperty("name").GetString(), dto.GetProperty("officer").GetProperty("email").GetString()));
        var entry = Assert.Single(dto.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.OfficerChanged);
        Assert.Equal("测试专员 → 李娜：本人休假", entry.GetProperty("note").GetString());
        Assert.Equal(Officer, entry.GetProperty("actor").GetString());

        // The new officer hears of it at once, with a link to the case's page.
        var mail = Assert.Single(await MailsAsync(_app, Colleague, "【移交】"));
        Assert.Equal($"【移交】{number} 项目用电报装 已移交给您负责", mail.Subject);
        Assert.Contains("测试专员 → 李娜：本人休假", mail.TextBody);
        Assert.Contains($"https://liaison.test.example/cases/{number}", mail.TextBody);

        // The department's liaison does not read why the case changed officers.
        var link = PathOf(LinkIn(Assert.Single(await MailsAsync(_app, "fgj.handler@anyue.example", "【派单】"), m => m.Subject!.Contains(number))));
        Assert.DoesNotContain("本人休假", await _app.Anonymous().GetStringAsync(link));

        // Again to the same officer: nothing to do. With a request id, the request sent again answers as the first did.
        Assert.Equal(HttpStatusCode.Conflict, (await HandOverAsync(number, new { officer = Colleague })).StatusCode);
        var other = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var request = new { officer = Colleague, requestId = Guid.NewGuid() };
        Assert.Equal(HttpStatusCode.OK, (await HandOverAsync(other, request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await HandOverAsync(other, request)).StatusCode);
        Assert.Single((await GetCaseAsync(_officer, other)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.OfficerChanged);
        Assert.Single((await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.OfficerChanged);
    }

    /// <summary>A closed case whose 不满意 rating awaits the officer's decision still needs an officer: it may be handed over.</summary>
    [Fact]
    public async Task A_closed_case_whose_unsatisfied_rating_awaits_a_decision_is_handed_over_with_it()
    {
        var enterprise = await Enterprises.RatingTestKit.RegisterAsync(_officer, 31);
        var number = await Enterprises.RatingTestKit.OpenForAsync(_officer, enterprise);
        await Enterprises.RatingTestKit.ConfirmAsync(_app, _officer, number);
        var path = (await Enterprises.RatingTestKit.EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await Enterprises.RatingTestKit.RateAsync(_app.Anonymous(), path, "unsatisfied", "电压仍不稳定")).StatusCode);
        var browser = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        Assert.Contains("data-handover", await browser.GetStringAsync($"/cases/{number}"));

        var response = await HandOverAsync(number, new { officer = Colleague, note = "请李娜决定重办或说明" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Colleague, (await GetCaseAsync(_officer, number)).GetProperty("officer").GetProperty("email").GetString());
        Assert.Single(await MailsAsync(_app, Colleague, "【移交】"), m => m.Subject!.Contains(number));
    }

    [Fact]
    public async Task The_case_list_filters_by_the_officer_responsible_me_or_an_email()
    {
        var mine = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var handed = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await HandOverAsync(handed, new { officer = Colleague })).StatusCode);
        var colleague = await _app.SignInAsync(Colleague, "officer-password-2");

        static async Task<List<string>> NumbersAsync(HttpClient client, string query) =>
            (await client.GetFromJsonAsync<JsonElement>($"/api/cases?{query}")).GetProperty("items").EnumerateArray()
                .Select(c => c.GetProperty("number").GetString()!).ToList();

        Assert.Equal([mine], await NumbersAsync(_officer, "officer=me"));
        Assert.Equal([handed], await NumbersAsync(colleague, "officer=ME"));
        Assert.Equal([handed], await NumbersAsync(_officer, "officer=LI.NA@test.example"));
        Assert.Equal([handed, mine], await NumbersAsync(_officer, ""));
        Assert.Empty(await NumbersAsync(_officer, "officer=me&status=closed"));
        var unknown = await _officer.GetAsync("/api/cases?officer=nobody@test.example");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("officer", out _));

        var browser = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await browser.GetStringAsync("/cases?officer=me");
        Assert.Contains(mine, page);
        Assert.DoesNotContain(handed, page);
        Assert.Contains("<option value=\"me\" selected>", page);
    }

    [Fact]
    public async Task Bad_hand_overs_are_refused_and_change_nothing()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var admin = await _app.AsAdminAsync();
        await _app.AsOfficerAsync("gone@test.example");
        var gone = (await admin.GetFromJsonAsync<List<JsonElement>>("/api/users"))!.Single(u => u.GetProperty("email").GetString() == "gone@test.example");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/users/{gone.GetProperty("id").GetString()}",
            new { email = "gone@test.example", displayName = "测试专员", active = false })).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await HandOverAsync(number, new { })).StatusCode);
        var nobody = await HandOverAsync(number, new { officer = "nobody@test.example" });
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        // By id or by email, as the register's officer fields: the refusal says both.
        Assert.Contains("没有此 id 或邮箱的在用园区工作人员账号：nobody@test.example", await nobody.Content.ReadAsStringAsync());
        var deactivated = await HandOverAsync(number, new { officer = "gone@test.example" });
        Assert.Equal(HttpStatusCode.BadRequest, deactivated.StatusCode);
        Assert.Contains("no active officer account", await deactivated.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await HandOverAsync(number, new { officer = Colleague, note = new string('x', 2001) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await HandOverAsync("AYKF-2026-999999", new { officer = Colleague })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().PostAsJsonAsync($"/api/cases/{number}/officer", new { officer = Colleague })).StatusCode);
        Assert.Equal(Officer, (await GetCaseAsync(_officer, number)).GetProperty("officer").GetProperty("email").GetString());

        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "重复立案" })).StatusCode);
        var ended = await HandOverAsync(number, new { officer = Colleague });
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Contains("ended case", await ended.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_hand_over_to_an_account_whose_deactivation_is_committing_waits_for_it_and_is_refused()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        // An admin deactivating the colleague, not committed yet: it holds the accounts' lock, as UserService does.
        await using var admin = new NpgsqlConnection(_app.ConnectionString);
        await admin.OpenAsync();
        await using var tx = await admin.BeginTransactionAsync();
        await using (var deactivate = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({Accounts.ChangesLock}); " +
            "UPDATE \"AspNetUsers\" SET lockout_enabled = true, lockout_end = '9999-01-01' WHERE normalized_email = 'LI.NA@TEST.EXAMPLE'", admin, tx))
        {
            await deactivate.ExecuteNonQueryAsync();
        }

        var handing = HandOverAsync(number, new { officer = Colleague });
        await _app.WaitUntilABackendWaitsOnALockAsync();
        await tx.CommitAsync();
        var response = await handing;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no active officer account", await response.Content.ReadAsStringAsync());
        Assert.Equal(Officer, (await GetCaseAsync(_officer, number)).GetProperty("officer").GetProperty("email").GetString());
    }

    [Fact]
    public async Task The_case_page_shows_the_officer_and_hands_the_case_over_from_its_form()
    {
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync(Officer, "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");
        Assert.Contains($"<dd data-officer>测试专员 <span class=\"muted\">{Officer}</span></dd>", page);
        Assert.Contains($"<option value=\"{Colleague}\">李娜（{Colleague}）</option>", page);
        Assert.DoesNotContain($"<option value=\"{Officer}\">", page); // not to the officer it is already with

        var form = FormFor(page, "officer")!;
        form["officer"] = Colleague;
        form["note"] = "";

        var response = await browser.PostAsync($"/cases/{number}/officer", new FormUrlEncodedContent(form));
        var again = await browser.PostAsync($"/cases/{number}/officer", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // The form sent again (a reload, a double tap) is answered as done: one handover, one mail.
        Assert.Equal(response.Headers.Location, again.Headers.Location);
        Assert.Single((await GetCaseAsync(_officer, number)).GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == CaseEventKinds.OfficerChanged);
        Assert.Single(await MailsAsync(_app, Colleague, number));
        var after = await browser.GetStringAsync(response.Headers.Location!.OriginalString);
        Assert.Contains("事项已移交", after);
        Assert.Contains($"<dd data-officer>李娜 <span class=\"muted\">{Colleague}</span></dd>", after);
        Assert.Contains("移交园区工作人员", after);
    }

    [Fact]
    public async Task A_handover_to_an_English_reader_is_said_with_English_punctuation_in_the_mail_and_on_the_page()
    {
        const string amy = "amy.chen@test.example";
        var admin = await _app.AsAdminAsync();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/users",
            new { email = amy, displayName = "Amy Chen", password = "officer-password-3", role = "Officer", culture = "en" })).StatusCode);
        await _app.AccountInUseAsync(amy);
        var number = (await OpenAsync(_officer)).GetProperty("number").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await HandOverAsync(number, new { officer = amy, note = "Amy 接手" })).StatusCode);

        var mail = Assert.Single(await MailsAsync(_app, amy, number));
        Assert.Contains("测试专员 → Amy Chen: Amy 接手", mail.TextBody);
        Assert.DoesNotContain("：", mail.TextBody);
        var page = await (await _app.SignInThroughFormAsync(amy, "officer-password-3")).GetStringAsync($"/cases/{number}");
        Assert.Contains("<html lang=\"en\">", page);
        // The Chinese words marked as such (lang), as the English ones on the Chinese page.
        Assert.Contains("<span lang=\"zh\">测试专员</span> → Amy Chen: Amy <span lang=\"zh\">接手</span>", page);
        Assert.DoesNotContain("Amy Chen：", page);
        // The Chinese reader keeps the Chinese colon.
        Assert.Contains("测试专员 → <span lang=\"en\">Amy Chen</span>：<span lang=\"en\">Amy</span> 接手",
            await (await _app.SignInThroughFormAsync(Officer, "officer-password-1")).GetStringAsync($"/cases/{number}"));
    }
}
