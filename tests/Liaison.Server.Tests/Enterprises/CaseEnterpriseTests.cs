using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Liaison.Server.Tests.Cases.CaseTestKit;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>Cases know their enterprise: picked from the register or by credit code, and a key enterprise's team is copied.</summary>
public sealed class CaseEnterpriseTests : IAsyncLifetime
{
    private const string Handler = "fgj.handler@anyue.example";
    private const string Officer = "officer@test.example";
    private const string Chief = "chief@test.example";
    private const string Squad = "squad@test.example";
    private static readonly TimeSpan China = TimeSpan.FromHours(8);
    private LiaisonApp _app = null!;
    private HttpClient _officer = null!;

    public async Task InitializeAsync()
    {
        _app = await LiaisonApp.StartAsync(nameof(CaseEnterpriseTests));
        _officer = await _app.AsOfficerAsync(Officer);
        await _app.AsOfficerAsync(Chief);
        await _app.AsOfficerAsync(Squad);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Code(int n)
    {
        var first17 = $"91512021MA2{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    private async Task<long> RegisterAsync(string code, bool key, string name = "安岳重点燃气有限公司", string contactEmail = "zhao@gas.example")
    {
        var response = await _officer.PostAsJsonAsync("/api/enterprises", new
        {
            name,
            creditCode = code,
            industryChain = "natural-gas",
            isKey = key,
            chiefServiceOfficer = key ? Chief : null,
            serviceSquad = key ? new[] { Squad, Chief } : [],
            contacts = new object[] { new { name = "赵经理", phone = "13900001111", email = contactEmail } },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetInt64();
    }

    private static object CaseFor(long enterpriseId) => new
    {
        title = "新厂房用气报装",
        description = "企业新厂房需要接入中压燃气管道。",
        category = "factor-guarantee",
        departmentCode = "fgj",
        enterpriseId,
    };

    [Fact]
    public async Task A_case_opened_for_a_registered_key_enterprise_links_to_it_and_copies_its_chief_and_squad_on_dispatch_overdue_and_resolve()
    {
        var enterpriseId = await RegisterAsync(Code(1), key: true);

        var opened = await OpenAsync(_officer, CaseFor(enterpriseId));
        var number = opened.GetProperty("number").GetString()!;
        var enterprise = opened.GetProperty("enterprise");

        Assert.Equal(enterpriseId, enterprise.GetProperty("id").GetInt64());
        Assert.Equal("安岳重点燃气有限公司", enterprise.GetProperty("name").GetString());
        Assert.Equal(Code(1), enterprise.GetProperty("creditCode").GetString());
        Assert.True(enterprise.GetProperty("isKey").GetBoolean());
        Assert.Equal("赵经理 13900001111", enterprise.GetProperty("contact").GetString());
        // One copy each on dispatch: the chief, who is also in the squad, is not mailed twice.
        Assert.Single(await MailsAsync(_app, Chief, "【重点企业·已派单】"));
        Assert.Single(await MailsAsync(_app, Squad, "【重点企业·已派单】"));
        Assert.Empty(await MailsAsync(_app, Officer, "【重点企业"));

        // Opened Monday 2026-03-02 09:00, factor-guarantee: due Monday 9th 18:00.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 9, 18, 1, 0, China).ToUniversalTime());
        await _app.SweepTimersAsync();
        await _app.SweepTimersAsync();
        var overdue = Assert.Single(await MailsAsync(_app, Chief, "【重点企业·已超期】"));
        Assert.Contains(number, overdue.Subject);
        Assert.Contains($"/cases/{number}", overdue.TextBody);
        Assert.Single(await MailsAsync(_app, Squad, "【重点企业·已超期】"));
        // The enterprise's own page marks the passed deadline too.
        var progress = PathOf(RatingTestKit.EnterpriseLinkPattern().Match((await MailsAsync(_app, "zhao@gas.example", number)).First().TextBody ?? "").Value);
        Assert.Contains("<strong class=\"error\" data-overdue>（已超期）</strong>", await _app.Anonymous().GetStringAsync(progress));

        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, "【派单】")).Single()));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "管道已接通" });

        var resolved = Assert.Single(await MailsAsync(_app, Chief, "【重点企业·已办结待确认】"));
        Assert.Contains("管道已接通", resolved.TextBody);
        Assert.Single(await MailsAsync(_app, Squad, "【重点企业·已办结待确认】"));
        // Nothing else of the case reaches the team (accept, reminders).
        Assert.Equal(3, (await MailsAsync(_app, Squad, "【重点企业")).Count);
    }

    /// <summary>
    /// A team told of a resolution hears when the officer reopens it (重办) or cancels the case (撤销), with the officer's
    /// reason and, for a cancelled case, no deadlines.
    /// </summary>
    [Fact]
    public async Task The_chief_and_squad_hear_of_a_reopening_and_a_cancellation_with_the_officers_reason()
    {
        var enterpriseId = await RegisterAsync(Code(7), key: true);
        var number = (await OpenAsync(_officer, CaseFor(enterpriseId))).GetProperty("number").GetString()!;
        var link = PathOf(LinkIn((await MailsAsync(_app, Handler, "【派单】")).Single()));
        var browser = _app.Anonymous();
        await PostActionAsync(browser, link, "accept");
        await PostActionAsync(browser, link, "resolve", new() { ["note"] = "管道已接通" });

        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/reopen", new { note = "企业反映压力不足" })).StatusCode);
        var reopened = Assert.Single(await MailsAsync(_app, Chief, "【重点企业·转入重办】"));
        Assert.Contains(number, reopened.Subject);
        Assert.Contains("已要求重新办理", reopened.TextBody);
        Assert.Contains("原因：企业反映压力不足", reopened.TextBody);
        Assert.Contains(">原因</td>", reopened.HtmlBody);
        Assert.Single(await MailsAsync(_app, Squad, "【重点企业·转入重办】"));

        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/cancel", new { note = "企业已自行解决" })).StatusCode);
        var cancelled = Assert.Single(await MailsAsync(_app, Chief, "【重点企业·已撤销】"));
        Assert.Contains("该事项不再办理", cancelled.TextBody);
        Assert.Contains("原因：企业已自行解决", cancelled.TextBody);
        Assert.DoesNotContain("办结期限", cancelled.TextBody);
        Assert.DoesNotContain("办结期限", cancelled.HtmlBody);
        Assert.Single(await MailsAsync(_app, Squad, "【重点企业·已撤销】"));
        // Dispatch, resolved, reopened, cancelled: the handler's acceptance and the rest stay theirs.
        Assert.Equal(4, (await MailsAsync(_app, Squad, "【重点企业")).Count);
    }

    /// <summary>The team hears of the enterprise's 不满意 (with its comment) and of how the officer decided it (with the note).</summary>
    [Fact]
    public async Task The_chief_and_squad_hear_of_an_unsatisfied_rating_and_of_the_officers_decision_on_it()
    {
        var enterpriseId = await RegisterAsync(Code(8), key: true, contactEmail: RatingTestKit.NoticeEmail);
        var number = (await OpenAsync(_officer, CaseFor(enterpriseId))).GetProperty("number").GetString()!;
        await RatingTestKit.ConfirmAsync(_app, _officer, number);
        var path = (await RatingTestKit.EnterpriseLinksAsync(_app, number))[1].Path;
        Assert.Equal(HttpStatusCode.Redirect, (await RatingTestKit.RateAsync(_app.Anonymous(), path, "unsatisfied", "燃气压力仍然不足")).StatusCode);

        var rated = Assert.Single(await MailsAsync(_app, Chief, "【重点企业·企业评价不满意】"));
        Assert.Contains(number, rated.Subject);
        Assert.Contains("对一件事项的办理结果评价为不满意", rated.TextBody);
        Assert.Contains("企业意见：燃气压力仍然不足", rated.TextBody);
        Assert.Single(await MailsAsync(_app, Squad, "【重点企业·企业评价不满意】"));

        Assert.Equal(HttpStatusCode.OK, (await _officer.PostAsJsonAsync($"/api/cases/{number}/rating-decision",
            new { decision = "close", note = "已现场说明：压力符合标准" })).StatusCode);
        var decided = Assert.Single(await MailsAsync(_app, Chief, "【重点企业·不满意评价已说明后结案】"));
        Assert.Contains("园区意见：已现场说明：压力符合标准", decided.TextBody);
        Assert.Single(await MailsAsync(_app, Squad, "【重点企业·不满意评价已说明后结案】"));
    }

    [Fact]
    public async Task The_chief_service_officer_who_opens_the_case_is_not_copied_on_their_own_dispatch_and_the_squad_is()
    {
        var enterpriseId = await RegisterAsync(Code(3), key: true, name: "安岳首席自开有限公司");
        var chief = await _app.AsOfficerAsync(Chief);

        var number = (await OpenAsync(chief, CaseFor(enterpriseId))).GetProperty("number").GetString()!;

        Assert.Single(await MailsAsync(_app, Squad, number));
        Assert.Empty(await MailsAsync(_app, Chief, number));
    }

    [Fact]
    public async Task A_plain_enterprise_s_case_copies_nobody()
    {
        var enterpriseId = await RegisterAsync(Code(2), key: false, name: "安岳普通企业有限公司");

        var opened = await OpenAsync(_officer, CaseFor(enterpriseId));

        Assert.False(opened.GetProperty("enterprise").GetProperty("isKey").GetBoolean());
        Assert.Single(await MailsAsync(_app, Handler, "【派单】"));
        Assert.Empty(await MailsAsync(_app, Chief));
        Assert.Empty(await MailsAsync(_app, Squad));

        // Picked from the register, it stays what the register says, whatever the request claims.
        var claimed = await OpenAsync(_officer, new
        {
            title = "用工", description = "企业反映用工缺口。", category = "factor-guarantee", departmentCode = "fgj", enterpriseId,
            enterprise = new { isKey = true, chiefServiceOfficer = "冒名首席" },
        });
        Assert.False(claimed.GetProperty("enterprise").GetProperty("isKey").GetBoolean());
        Assert.Equal(JsonValueKind.Null, claimed.GetProperty("enterprise").GetProperty("chiefServiceOfficer").ValueKind);
    }

    [Fact]
    public async Task A_typed_credit_code_links_to_its_entry_or_registers_a_plain_one_once()
    {
        var registered = await RegisterAsync(Code(3), key: true);

        // The old body (name, code, contact typed) still works; a registered code links to its entry.
        var byCode = await OpenAsync(_officer, new
        {
            title = "用地报批", description = "企业反映用地报批进度慢。", category = "factor-guarantee", departmentCode = "fgj",
            enterprise = new { creditCode = Code(3).ToLowerInvariant() },
        });
        Assert.Equal(registered, byCode.GetProperty("enterprise").GetProperty("id").GetInt64());
        Assert.Equal("安岳重点燃气有限公司", byCode.GetProperty("enterprise").GetProperty("name").GetString());

        // Ten cases at once for a code nobody registered: one plain entry, every case linked to it.
        var fresh = Code(4);
        var opened = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => OpenAsync(_officer, new
        {
            title = "招工难", description = "企业反映用工缺口。", category = "factor-guarantee", departmentCode = "fgj",
            enterprise = new { name = "安岳新设鞋服有限公司", creditCode = fresh, contact = "钱经理", isKey = true, chiefServiceOfficer = "孙首席" },
        })));

        var entries = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Where(e => e.CreditCode == fresh).ToListAsync());
        var entry = Assert.Single(entries);
        Assert.False(entry.IsKey);
        Assert.Equal("安岳新设鞋服有限公司", entry.Name);
        Assert.All(opened, c => Assert.Equal(entry.Id, c.GetProperty("enterprise").GetProperty("id").GetInt64()));
        // The case keeps the free text as typed, as API clients always had it.
        Assert.All(opened, c => Assert.Equal("孙首席", c.GetProperty("enterprise").GetProperty("chiefServiceOfficer").GetString()));
    }

    [Fact]
    public async Task A_new_enterprises_typed_contact_goes_into_the_register_and_one_with_an_email_hears_of_its_case()
    {
        object Body(string code, string contact) => new
        {
            title = "招工难", description = "企业反映用工缺口。", category = "factor-guarantee", departmentCode = "fgj",
            enterprise = new { name = "安岳新设鞋服有限公司", creditCode = code, contact },
        };

        var withEmail = await OpenAsync(_officer, Body(Code(21), "钱经理 13800001234 qian@shoes.example"));
        var phoneOnly = await OpenAsync(_officer, Body(Code(22), "孙会计，0832-1234567"));
        var nameOnly = await OpenAsync(_officer, Body(Code(23), "周经理"));

        async Task<List<EnterpriseContact>> ContactsAsync(string code) => await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>()
            .Where(e => e.CreditCode == code).SelectMany(e => e.Contacts).ToListAsync());
        var noticed = Assert.Single(await ContactsAsync(Code(21)));
        Assert.Equal(("钱经理", "13800001234", "qian@shoes.example", true), (noticed.Name, noticed.Phone, noticed.Email, noticed.ForNotices));
        var phoned = Assert.Single(await ContactsAsync(Code(22)));
        Assert.Equal(("孙会计", "0832-1234567", (string?)null, false), (phoned.Name, phoned.Phone, phoned.Email, phoned.ForNotices));
        Assert.Empty(await ContactsAsync(Code(23))); // the register needs a phone or an email
        // The enterprise with an email is told its case was opened, with its own link, as a registered one is.
        var told = Assert.Single(await MailsAsync(_app, "qian@shoes.example", withEmail.GetProperty("number").GetString()));
        Assert.Contains("/e/", told.TextBody);
        // The cases keep the line as typed.
        Assert.Equal("孙会计，0832-1234567", phoneOnly.GetProperty("enterprise").GetProperty("contact").GetString());
        Assert.Equal("周经理", nameOnly.GetProperty("enterprise").GetProperty("contact").GetString());
    }

    [Fact]
    public async Task A_typed_contact_that_looks_like_markup_is_registered_as_typed_and_shown_escaped()
    {
        var opened = await OpenAsync(_officer, new
        {
            title = "招工难", description = "企业反映用工缺口。", category = "factor-guarantee", departmentCode = "fgj",
            enterprise = new { name = "安岳新设鞋服有限公司", creditCode = Code(24), contact = "<i>经理</i> 13800001234" },
        });

        // It was read as the name "i 经理 i": the tag's brackets and slash taken for separators.
        var contact = Assert.Single(await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>()
            .Where(e => e.CreditCode == Code(24)).SelectMany(e => e.Contacts).ToListAsync()));
        Assert.Equal(("<i>经理</i>", "13800001234"), (contact.Name, contact.Phone));
        var page = await (await _app.SignInThroughFormAsync(Officer, "officer-password-1"))
            .GetStringAsync($"/enterprises/{opened.GetProperty("enterprise").GetProperty("id").GetInt64()}");
        Assert.Contains("&gt;经理&lt;/i&gt;</td>", page);
        Assert.DoesNotContain("<i>", page);
    }

    [Fact]
    public async Task An_unknown_enterprise_id_or_a_code_that_does_not_match_it_is_400_and_opens_nothing()
    {
        var registered = await RegisterAsync(Code(5), key: false);

        var unknown = await _officer.PostAsJsonAsync("/api/cases", CaseFor(987654));
        var mismatch = await _officer.PostAsJsonAsync("/api/cases", new
        {
            title = "用地报批", description = "x", category = "factor-guarantee", departmentCode = "fgj",
            enterpriseId = registered, enterprise = new { creditCode = Code(6) },
        });
        var newCodeWithoutName = await _officer.PostAsJsonAsync("/api/cases", new
        {
            title = "用地报批", description = "x", category = "factor-guarantee", departmentCode = "fgj",
            enterprise = new { creditCode = Code(7) },
        });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("enterpriseId", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("enterprise.creditCode", (await mismatch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.BadRequest, newCodeWithoutName.StatusCode);
        Assert.Contains("enterprise.name", (await newCodeWithoutName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));
        Assert.False(await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().AnyAsync(e => e.CreditCode == Code(7))));
    }

    [Fact]
    public async Task A_registered_code_is_named_by_the_register_and_another_name_typed_beside_it_is_400()
    {
        await RegisterAsync(Code(9), key: false, name: "安岳燃气（集团）有限公司");
        object Body(string name) => new
        {
            title = "用地报批", description = "x", category = "factor-guarantee", departmentCode = "fgj",
            enterprise = new { name, creditCode = Code(9) },
        };

        var other = await _officer.PostAsJsonAsync("/api/cases", Body("完全不同的公司名"));

        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        var errors = (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var message = Assert.Single(errors.GetProperty("enterprise.name").EnumerateArray()).GetString();
        Assert.Contains("安岳燃气（集团）有限公司", message);
        Assert.Equal(0, await _app.WithDbAsync(db => db.Cases.CountAsync()));

        // The same name with half-width brackets and spaces around it is the registered name; the case keeps the register's.
        var same = await OpenAsync(_officer, Body(" 安岳燃气(集团)有限公司 "));
        Assert.Equal("安岳燃气（集团）有限公司", same.GetProperty("enterprise").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_new_case_form_opened_for_a_register_entry_opens_the_case_for_it()
    {
        var enterpriseId = await RegisterAsync(Code(8), key: true);
        var browser = await _app.SignInThroughFormAsync(Officer, "officer-password-1");

        // From the enterprise's page, its "open a case" link.
        var enterprisePage = await browser.GetStringAsync($"/enterprises/{enterpriseId}");
        var href = System.Text.RegularExpressions.Regex.Match(enterprisePage, "<a href=\"([^\"]+)\" data-new-case>").Groups[1].Value;
        Assert.Equal($"/cases/new?enterpriseId={enterpriseId}", href);
        var form = await browser.GetStringAsync(href);
        Assert.Contains("安岳重点燃气有限公司", form);
        Assert.Contains($"name=\"enterpriseId\" value=\"{enterpriseId}\"", form);
        Assert.DoesNotContain("id=\"creditCode\"", form);

        var posted = await browser.PostAsync("/cases/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = TokenIn(form),
            ["requestId"] = Guid.NewGuid().ToString(),
            ["title"] = "天然气管道迁改",
            ["description"] = "厂区道路施工需迁改管道。",
            ["category"] = "factor-guarantee",
            ["priority"] = "normal",
            ["departmentCode"] = "fgj",
            ["enterpriseId"] = enterpriseId.ToString(),
        }));

        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var stored = await _app.WithDbAsync(db => db.Cases.SingleAsync());
        Assert.Equal(enterpriseId, stored.EnterpriseId);
        Assert.Equal(Code(8), stored.Enterprise.CreditCode);
        Assert.True(stored.Enterprise.IsKey);
        // The case keeps the chief's name as it was when opened (every test officer is called 测试专员).
        Assert.Equal("测试专员", stored.Enterprise.ChiefServiceOfficer);
    }
}
