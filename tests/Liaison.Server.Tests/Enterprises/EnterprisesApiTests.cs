using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Cases.Enterprises;
using Liaison.Server.Audit;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Enterprises;

public sealed class EnterprisesApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    /// <summary>A valid, fictitious credit code no sample uses (sample codes end in MA0000001–MA0000076).</summary>
    private static string Code(int n)
    {
        var first17 = $"91512021MA1{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    private static object NewEnterprise(string creditCode, string name = "安岳测试燃气有限公司", string? chief = null, string[]? squad = null) => new
    {
        name,
        creditCode,
        industryChain = "天然气",
        address = "安岳经济开发区兴安路1号",
        isKey = chief is not null,
        chiefServiceOfficer = chief,
        serviceSquad = squad ?? [],
        contacts = new object[]
        {
            new { name = "王经理", phone = "13800001111", email = "wang@gas.example" },
            new { name = "李会计", phone = "028-12345678", email = "li@gas.example", forNotices = true },
        },
    };

    [Fact]
    public async Task Anonymous_gets_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync("/api/enterprises")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(1)))).StatusCode);
    }

    [Fact]
    public async Task The_register_ships_76_sample_key_enterprises_with_valid_codes()
    {
        var officer = await _app.AsOfficerAsync();

        var page = await officer.GetFromJsonAsync<JsonElement>("/api/enterprises?key=true&pageSize=200&q=示例");
        var items = page.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(76, items.Count(i => i.GetProperty("sample").GetBoolean()));
        Assert.All(items, i => Assert.True(UnifiedSocialCreditCode.IsValid(i.GetProperty("creditCode").GetString())));
        Assert.All(items, i => Assert.Contains("示例", i.GetProperty("name").GetString()));
        Assert.All(items, i => Assert.Single(i.GetProperty("contacts").EnumerateArray(), c => c.GetProperty("forNotices").GetBoolean()));
    }

    [Fact]
    public async Task An_unknown_industry_chain_is_refused_naming_the_chains_by_name_with_their_codes()
    {
        var officer = await _app.AsOfficerAsync();

        var listed = await officer.GetAsync("/api/enterprises?chain=steel");
        var body = await listed.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, listed.StatusCode);
        Assert.Contains("只能是：天然气（natural-gas）、稀土（rare-earth）", System.Text.RegularExpressions.Regex.Unescape(body));
        Assert.DoesNotContain("natural-gas (天然气)", System.Text.RegularExpressions.Regex.Unescape(body));
    }

    [Fact]
    public async Task An_officer_registers_an_enterprise_with_its_chief_squad_and_notice_contact()
    {
        var officer = await _app.AsOfficerAsync("chief@test.example");
        await _app.AsOfficerAsync("squad1@test.example");

        var created = await officer.PostAsJsonAsync("/api/enterprises",
            NewEnterprise(Code(2), chief: "Chief@Test.example", squad: ["squad1@test.example", "chief@test.example"]));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var read = await officer.GetFromJsonAsync<JsonElement>(created.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(body.GetProperty("id").GetInt64(), read.GetProperty("id").GetInt64());
        Assert.Equal("natural-gas", read.GetProperty("industryChain").GetString());
        Assert.Equal("chief@test.example", read.GetProperty("chiefServiceOfficer").GetProperty("email").GetString());
        Assert.Equal(2, read.GetProperty("serviceSquad").GetArrayLength());
        Assert.Equal(30, read.GetProperty("visitEveryDays").GetInt32());
        var contacts = read.GetProperty("contacts").EnumerateArray().ToList();
        Assert.Equal(["王经理", "李会计"], contacts.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal([false, true], contacts.Select(c => c.GetProperty("forNotices").GetBoolean()));
        Assert.False(read.GetProperty("sample").GetBoolean());
    }

    [Fact]
    public async Task A_duplicate_credit_code_is_409_naming_the_existing_enterprise_and_nothing_changes()
    {
        var officer = await _app.AsOfficerAsync();
        Assert.Equal(HttpStatusCode.Created, (await officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(3), "先登记的企业"))).StatusCode);

        var again = await officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(3).ToLowerInvariant(), "后登记的企业"));
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("先登记的企业", problem.GetProperty("detail").GetString());
        Assert.False(await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().AnyAsync(e => e.Name == "后登记的企业")));
    }

    [Fact]
    public async Task The_same_credit_code_registered_twice_at_once_makes_one_entry_and_the_other_409_naming_it()
    {
        var officer = await _app.AsOfficerAsync();

        // Both found the code free and are inserting when they meet: the register's table is held until both wait on it.
        HttpResponseMessage[] answers;
        await using (var held = await HeldLock.TakeAsync(_app, "LOCK TABLE enterprises IN SHARE MODE"))
        {
            var first = officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(51), "同时登记的企业甲"));
            await held.UntilWaitingAsync(1, orDone: first);
            var second = officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(51), "同时登记的企业乙"));
            await held.UntilWaitingAsync(2, orDone: second);
            await held.ReleaseAsync();
            answers = [await first, await second];
        }

        var created = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        var refused = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        var name = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString()!;
        Assert.Contains(name, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().CountAsync(e => e.CreditCode == Code(51))));
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.EnterpriseCreated && e.Subject == Code(51))));
    }

    [Fact]
    public async Task Two_edits_of_the_same_entry_at_once_leave_one_whole_with_its_mails_and_log_and_refuse_the_other_or_follow_it()
    {
        var officer = await _app.AsOfficerAsync("race.chief@test.example");
        var admin = await _app.AsAdminAsync();
        await _app.AsOfficerAsync("race.one@test.example");
        await _app.AsOfficerAsync("race.two@test.example");
        var registered = await officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(52), chief: "race.chief@test.example"));
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var number = (await Cases.CaseTestKit.OpenAsync(officer, new
        {
            title = "新厂房专线接电", description = "企业新厂房需要 10kV 专线接入。", category = "factor-guarantee", priority = "normal", departmentCode = "fgj", enterpriseId = id,
        })).GetProperty("number").GetString()!;
        object Edit(string who) => new
        {
            name = "安岳测试燃气有限公司", creditCode = Code(52), industryChain = "天然气", isKey = true,
            chiefServiceOfficer = $"race.{who}@test.example", serviceSquad = new[] { $"race.{who}@test.example" },
            contacts = new object[] { new { name = "新联系人", email = $"notice.{who}@gas.example", forNotices = true } },
        };

        var answers = await Task.WhenAll(
            officer.PutAsJsonAsync($"/api/enterprises/{id}", Edit("one")),
            admin.PutAsJsonAsync($"/api/enterprises/{id}", Edit("two")));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, a.StatusCode.ToString()));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        var entry = await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}");
        var chief = entry.GetProperty("chiefServiceOfficer").GetProperty("email").GetString()!;
        var who = chief.Split('@')[0]["race.".Length..];
        Assert.Equal([chief], entry.GetProperty("serviceSquad").EnumerateArray().Select(o => o.GetProperty("email").GetString()));
        Assert.Equal($"notice.{who}@gas.example", Assert.Single(entry.GetProperty("contacts").EnumerateArray()).GetProperty("email").GetString());
        // Each change that happened handed the open case to its new notice contact; a refused one mailed nobody.
        foreach (var (edit, answer) in new[] { ("one", answers[0]), ("two", answers[1]) })
        {
            Assert.Equal(answer.StatusCode == HttpStatusCode.OK ? 1 : 0, (await Cases.CaseTestKit.MailsAsync(_app, $"notice.{edit}@gas.example", number)).Count);
        }

        // One log entry per change that happened, each starting where the one before ended, the last where the entry is.
        var logged = await _app.WithDbAsync(db => db.Set<AuditEntry>().Where(e => e.Action == AuditActions.EnterpriseChanged && e.Subject == Code(52))
            .OrderBy(e => e.Id).Select(e => e.Changes).ToListAsync());
        var chiefs = logged.Select(l => AuditLog.ReadChanges(l).Single(c => c.Field == "chiefServiceOfficer")).ToList();
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.OK), chiefs.Count);
        Assert.Equal("race.chief@test.example", chiefs[0].From);
        Assert.Equal(chief, chiefs[^1].To);
        Assert.All(chiefs.Zip(chiefs.Skip(1)), p => Assert.Equal(p.First.To, p.Second.From));
    }

    [Fact]
    public async Task A_change_made_on_an_entry_saved_by_someone_else_since_it_was_read_is_409_and_changes_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var admin = await _app.AsAdminAsync();
        var id = (await (await officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(53)))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var read = await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}");
        var basis = read.GetProperty("basis").GetString()!;
        object Entry(string address, string phone, string? basis) => new
        {
            name = "安岳测试燃气有限公司", creditCode = Code(53), industryChain = "天然气", address, basis,
            contacts = new object[]
            {
                new { name = "王经理", phone, email = "wang@gas.example" },
                new { name = "李会计", phone = "028-12345678", email = "li@gas.example", forNotices = true },
            },
        };

        // The admin corrects a contact's phone (the row itself unchanged but for that); the officer then saves the form read before.
        var first = await admin.PutAsJsonAsync($"/api/enterprises/{id}", Entry("安岳经济开发区兴安路1号", "13800009999", basis));
        var second = await officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry("安岳经济开发区兴安路2号", "13800001111", basis));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(basis, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("basis").GetString());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("已被他人修改", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var now = await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}");
        Assert.Equal("安岳经济开发区兴安路1号", now.GetProperty("address").GetString());
        Assert.Equal("13800009999", now.GetProperty("contacts")[0].GetProperty("phone").GetString());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.EnterpriseChanged && e.Subject == Code(53))));
        // Made again on the entry as it is now, the change goes through; without a basis, as before, the last save wins.
        Assert.Equal(HttpStatusCode.OK, (await officer.PutAsJsonAsync($"/api/enterprises/{id}",
            Entry("安岳经济开发区兴安路2号", "13800009999", now.GetProperty("basis").GetString()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry("安岳经济开发区兴安路3号", "13800009999", null))).StatusCode);
        // A version no read gives is the caller's mistake, on its field (it was 409, changed by someone else); nothing saved.
        var malformed = await officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry("安岳经济开发区兴安路4号", "13800009999", "v7"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("不是本系统给出的版本", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("basis")[0].GetString());
        Assert.Equal("安岳经济开发区兴安路3号", (await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}")).GetProperty("address").GetString());
    }

    [Fact]
    public async Task The_same_change_sent_twice_at_once_on_one_basis_is_saved_once_and_both_answer_saved()
    {
        var officer = await _app.AsOfficerAsync();
        var id = (await (await officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(54)))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var basis = (await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}")).GetProperty("basis").GetString()!;
        object Entry(string address) => new
        {
            name = "安岳测试燃气有限公司", creditCode = Code(54), industryChain = "天然气", address, basis,
            contacts = new object[]
            {
                new { name = "王经理", phone = "13800001111", email = "wang@gas.example" },
                new { name = "李会计", phone = "028-12345678", email = "li@gas.example", forNotices = true },
            },
        };

        // A double click on the form's save: both sendings read the entry as the form did, and are writing when they meet
        // (its row held until both wait); the second to write finds the first's save.
        HttpResponseMessage[] answers;
        await using (var held = await HeldLock.TakeAsync(_app, $"SELECT 1 FROM enterprises WHERE id = {id} FOR UPDATE"))
        {
            var sent = Enumerable.Range(0, 2).Select(_ => officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry("安岳经济开发区兴安路8号"))).ToList();
            await held.UntilWaitingAsync(2);
            await held.ReleaseAsync();
            answers = await Task.WhenAll(sent);
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        // Sent once more later (a retry after a lost answer) on the basis it was read with: saved already, so saved.
        Assert.Equal(HttpStatusCode.OK, (await officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry("安岳经济开发区兴安路8号"))).StatusCode);
        Assert.Equal("安岳经济开发区兴安路8号", (await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}")).GetProperty("address").GetString());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.EnterpriseChanged && e.Subject == Code(54))));
        // Another change on that basis would undo the save unseen: still refused.
        Assert.Equal(HttpStatusCode.Conflict, (await officer.PutAsJsonAsync($"/api/enterprises/{id}", Entry("安岳经济开发区兴安路9号"))).StatusCode);
    }

    [Fact]
    public async Task Bad_fields_are_400_naming_each_field()
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.PostAsJsonAsync("/api/enterprises", new
        {
            name = "",
            creditCode = "91512021MA1000004X",
            industryChain = "钢铁",
            isKey = false,
            chiefServiceOfficer = "nobody@test.example",
            visitEveryDays = 0,
            contacts = new object[]
            {
                new { name = "甲", phone = "abc", forNotices = true },
                new { name = "乙", email = "not-an-email", forNotices = true },
            },
        });
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        foreach (var field in new[] { "name", "creditCode", "industryChain", "chiefServiceOfficer", "visitEveryDays", "contacts[0].phone", "contacts[1].email", "contacts" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }

    /// <summary>
    /// A read names officers as {id, email, displayName}: the id sent back (in any case) names the same account as the
    /// email does, so an entry read and saved again keeps its people; an unknown one is 400 saying either is taken.
    /// </summary>
    [Fact]
    public async Task Officers_are_named_by_the_id_a_read_gives_or_by_email_and_an_unknown_one_is_400()
    {
        var officer = await _app.AsOfficerAsync("idchief@test.example");
        await _app.AsOfficerAsync("idsquad@test.example");
        var created = await officer.PostAsJsonAsync("/api/enterprises", NewEnterprise(Code(61), chief: "idchief@test.example", squad: ["idsquad@test.example"]));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var read = await officer.GetFromJsonAsync<JsonElement>(created.Headers.Location!.OriginalString);
        var chiefId = read.GetProperty("chiefServiceOfficer").GetProperty("id").GetString()!;
        var squadId = Assert.Single(read.GetProperty("serviceSquad").EnumerateArray()).GetProperty("id").GetString()!;
        object Entry(string chief, string[] squad) => new
        {
            name = "安岳测试燃气有限公司", creditCode = Code(61), industryChain = "天然气", isKey = true, chiefServiceOfficer = chief, serviceSquad = squad,
            contacts = new object[] { new { name = "李会计", email = "li@gas.example", forNotices = true } },
        };

        var put = await officer.PutAsJsonAsync(created.Headers.Location!.OriginalString, Entry(chiefId, [squadId.ToUpperInvariant(), "IDCHIEF@test.example"]));

        var saved = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(chiefId, saved.GetProperty("chiefServiceOfficer").GetProperty("id").GetString());
        Assert.Equal(new[] { chiefId, squadId }.Order(), saved.GetProperty("serviceSquad").EnumerateArray().Select(o => o.GetProperty("id").GetString()!).Order());

        var unknown = Guid.NewGuid().ToString();
        var refused = await officer.PutAsJsonAsync(created.Headers.Location!.OriginalString, Entry(unknown, [squadId, "nobody@test.example"]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var chiefError = errors.GetProperty("chiefServiceOfficer")[0].GetString()!;
        Assert.Contains("没有此 id 或邮箱的在用园区工作人员账号", chiefError);
        Assert.Contains("no active officer account with this id or email", chiefError);
        Assert.Contains(unknown, chiefError);
        Assert.Contains("nobody@test.example", errors.GetProperty("serviceSquad[1]")[0].GetString());
        Assert.Equal(chiefId, (await officer.GetFromJsonAsync<JsonElement>(created.Headers.Location!.OriginalString)).GetProperty("chiefServiceOfficer").GetProperty("id").GetString());

        // The API's description says so.
        var doc = await _app.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var body = doc.GetProperty("paths").GetProperty("/api/enterprises").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var input = doc.GetProperty("components").GetProperty("schemas").GetProperty(body.Split('/')[^1]).GetProperty("properties");
        Assert.Contains("id (the `id` a read gives) or its email", input.GetProperty("chiefServiceOfficer").GetProperty("description").GetString());
        Assert.Contains("id or email", input.GetProperty("serviceSquad").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Updating_replaces_contacts_and_squad_and_clears_the_sample_mark()
    {
        var officer = await _app.AsOfficerAsync("squad2@test.example");
        var sample = await _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().Where(e => e.CreditCode == SampleEnterprises.CreditCode(5)).SingleAsync());

        var put = await officer.PutAsJsonAsync($"/api/enterprises/{sample.Id}", new
        {
            name = "安岳真实稀土有限公司",
            creditCode = SampleEnterprises.CreditCode(5),
            industryChain = "rare-earth",
            isKey = true,
            serviceSquad = new[] { "squad2@test.example" },
            visitEveryDays = 14,
            contacts = new object[] { new { name = "赵总", email = "zhao@re.example" } },
        });
        var read = await put.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.False(read.GetProperty("sample").GetBoolean());
        Assert.Equal(14, read.GetProperty("visitEveryDays").GetInt32());
        var contact = Assert.Single(read.GetProperty("contacts").EnumerateArray());
        Assert.True(contact.GetProperty("forNotices").GetBoolean());
        Assert.Equal("squad2@test.example", Assert.Single(read.GetProperty("serviceSquad").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Set<EnterpriseContact>().CountAsync(c => c.EnterpriseId == sample.Id)));
    }

    [Fact]
    public async Task An_unknown_id_is_404()
    {
        var officer = await _app.AsOfficerAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync("/api/enterprises/999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.PutAsJsonAsync("/api/enterprises/999999", NewEnterprise(Code(6)))).StatusCode);
    }
}
