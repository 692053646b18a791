using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Server.Departments;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Liaison.Server.Tests.Hardening;

/// <summary>Each 500 the API fuzz found, as a test of its own: the caller's mistake is a 400 naming where it is.</summary>
public sealed class CallerMistakeTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }

    [Theory]
    [InlineData("/enterprises/abc", HttpStatusCode.NotFound, "没有这个页面")]
    [InlineData("/visits/abc", HttpStatusCode.NotFound, "没有这个页面")]
    [InlineData("/cases/new?enterpriseId=abc", HttpStatusCode.BadRequest, "enterpriseId")]
    [InlineData("/cases/new?visitProblemId=abc", HttpStatusCode.BadRequest, "visitProblemId")]
    [InlineData("/enterprises?q=%00", HttpStatusCode.BadRequest, "含有无法处理的字符")]
    [InlineData("/no/such/page", HttpStatusCode.NotFound, "没有这个页面")]
    public async Task A_malformed_page_address_gets_a_page_saying_what_is_wrong_not_json(string url, HttpStatusCode status, string says)
    {
        var officer = await _app.AsOfficerAsync();

        var response = await officer.GetAsync(url);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.Contains(says, StringComparison.Ordinal), body);
        Assert.Contains("<html", body);
    }

    [Theory]
    [InlineData("/api/enterprises/abc", HttpStatusCode.NotFound)]
    [InlineData("/api/no/such/thing", HttpStatusCode.NotFound)]
    public async Task The_apis_answer_to_a_malformed_address_stays_problem_details(string url, HttpStatusCode status)
    {
        var officer = await _app.AsOfficerAsync();

        var problem = await ProblemAsync(await officer.GetAsync(url), status);

        Assert.Contains("没有这个地址", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/reports/league-table.csv?from=2026-03-02&to=2026-03-08", HttpStatusCode.Unauthorized, "需要登录")]
    [InlineData("/api/no/such/thing", HttpStatusCode.NotFound, "没有这个地址")]
    public async Task A_client_that_accepts_no_json_gets_the_status_with_its_reason_in_plain_text(string url, HttpStatusCode status, string says)
    {
        var client = url.Contains("league") ? _app.Anonymous() : await _app.AsOfficerAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/csv");

        var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Contains(says, body);
    }

    [Fact]
    public async Task Signing_in_with_U0000_in_the_email_is_400_naming_the_field_even_anonymously()
    {
        var response = await _app.Anonymous().PostAsync("/api/auth/login", Json("""{"email":"a\u0000b@test.example","password":"whatever-password-1"}"""));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _), problem.ToString());
    }

    [Theory]
    [InlineData("/api/cases?q=a%00b", "q")]
    [InlineData("/api/enterprises?q=%00", "q")]
    public async Task A_query_value_with_U0000_is_400_naming_the_parameter(string url, string parameter)
    {
        var admin = await _app.AsAdminAsync();

        var problem = await ProblemAsync(await admin.GetAsync(url), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task U0000_deep_in_a_body_is_400_naming_its_path_and_changes_nothing()
    {
        var admin = await _app.AsAdminAsync();
        var before = await _app.WithDbAsync(db => Task.FromResult(db.Departments.Count()));

        var department = await admin.PostAsync("/api/departments", Json("""{"code":"nul1","name":"部门","leader":{"name":"x","email":"l@test.example"},"handler":{"name":"a\u0000","email":"h@test.example"}}"""));
        var visit = await admin.PostAsync("/api/enterprises/1/visits", Json("""{"officers":["王","\u0000"],"notes":"x"}"""));

        var problem = await ProblemAsync(department, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("handler.name", out _), problem.ToString());
        problem = await ProblemAsync(visit, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("officers[1]", out _), problem.ToString());
        Assert.Equal(before, await _app.WithDbAsync(db => Task.FromResult(db.Departments.Count())));
    }

    [Fact]
    public async Task A_workflow_definition_with_U0000_is_400()
    {
        var admin = await _app.AsAdminAsync();

        var response = await admin.PutAsync("/api/workflow-definitions/nul-test", Json("""{"name":"流程\u0000","root":{"type":"Sequence","id":"r","activities":[]}}"""));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_escaped_backslash_before_u0000_is_text_not_U0000()
    {
        var admin = await _app.AsAdminAsync();

        var response = await admin.PostAsync("/api/auth/login", Json("""{"email":"nobody@test.example","password":"\\u0000-is-text-here"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("?to=9999-12-31")]
    [InlineData("?to=0001-01-01")]
    [InlineData("?from=0001-01-01&to=0001-01-03")]
    [InlineData("?from=9999-12-25&to=9999-12-31")]
    public async Task A_league_table_period_outside_the_supported_years_is_400(string query)
    {
        var officer = await _app.AsOfficerAsync();

        await ProblemAsync(await officer.GetAsync("/api/reports/league-table" + query), HttpStatusCode.BadRequest);
        await ProblemAsync(await officer.GetAsync("/api/reports/league-table.csv" + query), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31T23:59:59-14:00")]
    public async Task A_due_date_from_an_extreme_date_is_400(string from)
    {
        var officer = await _app.AsOfficerAsync();

        await ProblemAsync(await officer.GetAsync($"/api/calendar/due?from={Uri.EscapeDataString(from)}&workingDays=5"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_job_dashboards_stats_answer_an_admin_without_a_500()
    {
        var admin = await _app.AsAdminAsync();

        var get = await admin.GetAsync("/hangfire/stats");
        var post = await admin.PostAsync("/hangfire/stats", new FormUrlEncodedContent([new("metrics[]", "enqueued:count")]));

        Assert.True(get.StatusCode == HttpStatusCode.MethodNotAllowed, $"GET: {(int)get.StatusCode} {await get.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.Contains("POST", get.Content.Headers.Allow);
        Assert.True((int)post.StatusCode < 500, $"POST: {(int)post.StatusCode} {await post.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_problem_details_500_with_a_trace_id_logged_once()
    {
        const string marker = "forced failure 7f3c";
        await using var broken = _app.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddScoped<DepartmentService>(_ => throw new InvalidOperationException(marker))));
        var client = broken.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = LiaisonApp.AdminEmail, password = LiaisonApp.AdminPassword });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var response = await client.GetAsync("/api/departments");

        var problem = await ProblemAsync(response, HttpStatusCode.InternalServerError);
        var traceId = problem.GetProperty("traceId").GetString()!;
        Assert.DoesNotContain(marker, problem.ToString());
        var logged = _app.Logs.Entries.Where(e => e.Text.Contains(marker)).ToList();
        Assert.Single(logged);
        Assert.Equal(LogLevel.Error, logged[0].Level);
        Assert.Contains(traceId.Split('-')[1], logged[0].Text);
    }

    [Theory]
    [InlineData("40P01")]
    [InlineData("40001")]
    [InlineData("55P03")]
    public async Task A_request_postgresql_stopped_for_meeting_another_is_a_409_to_try_again_not_a_503(string sqlState)
    {
        await using var racing = _app.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddScoped<DepartmentService>(_ => throw new Npgsql.PostgresException("stopped for another", "ERROR", "ERROR", sqlState))));
        var client = racing.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = LiaisonApp.AdminEmail, password = LiaisonApp.AdminPassword });
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());

        var response = await client.GetAsync("/api/departments");

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Contains("请刷新后重试", problem.GetProperty("detail").GetString());
        Assert.False(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task A_liaisons_form_with_U0000_in_the_note_is_a_400_page_naming_the_field_and_changes_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var opened = await Cases.CaseTestKit.OpenAsync(officer);
        var number = opened.GetProperty("number").GetString()!;
        var handler = opened.GetProperty("handler").GetProperty("email").GetString()!;
        var dispatch = (await Cases.CaseTestKit.MailsAsync(_app, handler, number)).First();
        var link = Cases.CaseTestKit.PathOf(Cases.CaseTestKit.LinkIn(dispatch));
        var timeline = await TimelineLengthAsync(officer, number);

        var returned = await Cases.CaseTestKit.PostActionAsync(_app.Anonymous(), link, "return", new() { ["reasonCode"] = "not-our-remit", ["note"] = "不属于\0本部门" });

        // A person on a phone sent the form: a page in their language with the way back to the form, not JSON.
        var body = await returned.Content.ReadAsStringAsync();
        Assert.True(returned.StatusCode == HttpStatusCode.BadRequest, $"{(int)returned.StatusCode}: {body}");
        Assert.Equal("text/html", returned.Content.Headers.ContentType?.MediaType);
        Assert.Contains("表单中“说明”的内容含有无法保存的字符 U+0000", System.Net.WebUtility.HtmlDecode(body));
        Assert.Contains($"href=\"{link}\"", body);
        Assert.Equal("dispatched", (await Cases.CaseTestKit.GetCaseAsync(officer, number)).GetProperty("status").GetString());
        Assert.Equal(timeline, await TimelineLengthAsync(officer, number));
    }

    [Fact]
    public async Task A_signed_in_officers_form_with_U0000_is_a_400_page_naming_the_field_not_a_500()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");
        var timeline = await TimelineLengthAsync(officer, number);

        // The antiforgery check reads the form first, and cannot read a form holding U+0000.
        var posted = await browser.PostAsync($"/cases/{number}/notes", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Cases.CaseTestKit.TokenIn(page), ["note"] = "备注\0内容", ["requestId"] = Guid.NewGuid().ToString(),
        }));

        var body = System.Net.WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync());
        Assert.True(posted.StatusCode == HttpStatusCode.BadRequest, $"{(int)posted.StatusCode}: {body}");
        Assert.Equal("text/html", posted.Content.Headers.ContentType?.MediaType);
        Assert.Contains("表单中“说明”的内容含有无法保存的字符 U+0000", body);
        Assert.Equal(timeline, await TimelineLengthAsync(officer, number));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_workflow_draft_with_U0000_sent_as_plain_text_is_400_and_saves_nothing(string? contentType)
    {
        var admin = await _app.AsAdminAsync();
        var body = new StringContent("""{"name":"坏\u0000流程","root":{"type":"Elsa.Flowchart","id":"flowchart1","activities":[],"connections":[]}}""", Encoding.UTF8);
        body.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        var response = await admin.PutAsync("/api/workflow-definitions/nul-plain", body);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/workflow-definitions/nul-plain")).StatusCode);
    }

    [Theory]
    [InlineData("99")]
    [InlineData("1")]
    [InlineData("normal,urgent")]
    public async Task A_priority_given_as_a_number_or_a_list_is_400_not_some_priority(string priority)
    {
        var officer = await _app.AsOfficerAsync();
        var body = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        body["priority"] = priority;
        var before = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));

        var preview = await officer.GetAsync($"/api/cases/deadline-preview?category=other&priority={Uri.EscapeDataString(priority)}");
        var opened = await officer.PostAsJsonAsync("/api/cases", body);

        await ProblemAsync(preview, HttpStatusCode.BadRequest);
        var problem = await ProblemAsync(opened, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("priority", out _), problem.ToString());
        Assert.Equal(before, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
    }

    [Theory]
    [InlineData("/中文")]
    [InlineData("/a\r\nb")]
    [InlineData("/a\u0001b")]
    public async Task A_return_address_that_is_no_plain_local_path_goes_to_the_start_page(string escaped)
    {
        var returnUrl = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var response = await _app.Anonymous().PostAsync("/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "en", ["returnUrl"] = returnUrl,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_request_id_already_used_for_another_request_is_409_and_does_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var other = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "第一条", requestId = id })).StatusCode);
        var (timeline, otherTimeline) = (await TimelineLengthAsync(officer, number), await TimelineLengthAsync(officer, other));
        var cases = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));
        var body = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        body["requestId"] = id.ToString();

        var again = await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "第一条", requestId = id });
        var urge = await officer.PostAsJsonAsync($"/api/cases/{number}/urge", new { note = "请尽快", requestId = id });
        var elsewhere = await officer.PostAsJsonAsync($"/api/cases/{other}/notes", new { note = "另一事项", requestId = id });
        var open = await officer.PostAsJsonAsync("/api/cases", body);

        // The same request again is a repeat; the id on anything else is the caller's mistake, said as such.
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        foreach (var refused in new[] { urge, elsewhere, open })
        {
            var problem = await ProblemAsync(refused, HttpStatusCode.Conflict);
            Assert.Contains("requestId", problem.GetProperty("detail").GetString());
        }

        Assert.Equal((timeline, otherTimeline), (await TimelineLengthAsync(officer, number), await TimelineLengthAsync(officer, other)));
        Assert.Equal(cases, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
    }

    [Fact]
    public async Task A_request_id_sent_again_asking_for_something_else_is_409_and_does_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var openId = Guid.NewGuid();
        var body = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase(title: "同一请求编号"))!.AsObject();
        body["requestId"] = openId.ToString();
        var number = (await Cases.CaseTestKit.OpenAsync(officer, body)).GetProperty("number").GetString()!;
        var cases = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));

        // The same request written differently (spaces around the title) is that request; another title is not.
        var padded = body.DeepClone().AsObject();
        padded["title"] = "  同一请求编号 ";
        var other = body.DeepClone().AsObject();
        other["title"] = "另一个事项";
        var same = await officer.PostAsJsonAsync("/api/cases", padded);
        var changed = await officer.PostAsJsonAsync("/api/cases", other);

        Assert.Equal(HttpStatusCode.Created, same.StatusCode);
        Assert.Equal(number, (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
        Assert.Contains("requestId", (await ProblemAsync(changed, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Equal(cases, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));

        // A decision's id sent again to another department, and a note's with another note.
        var reassignId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK,
            (await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "zjj", note = "改派", requestId = reassignId })).StatusCode);
        var noteId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "第一条", requestId = noteId })).StatusCode);
        var timeline = await TimelineLengthAsync(officer, number);

        var elsewhere = await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "gdgs", note = "改派", requestId = reassignId });
        var again = await officer.PostAsJsonAsync($"/api/cases/{number}/reassign", new { departmentCode = "zjj", note = "改派", requestId = reassignId });
        var otherNote = await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = "第二条", requestId = noteId });

        Assert.Contains("requestId", (await ProblemAsync(elsewhere, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("requestId", (await ProblemAsync(otherNote, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Equal(timeline, await TimelineLengthAsync(officer, number));
        Assert.Equal("zjj", (await Cases.CaseTestKit.GetCaseAsync(officer, number)).GetProperty("department").GetString());
        Assert.Empty(await Cases.CaseTestKit.MailsAsync(_app, "gdgs.handler@anyue.example", number));
    }

    [Fact]
    public async Task A_form_sent_again_changed_says_the_first_went_through_and_this_did_not()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var form = Cases.CaseTestKit.FormFor(await browser.GetStringAsync($"/cases/{number}"), "urge")!;
        var link = Cases.CaseTestKit.PathOf(Cases.CaseTestKit.LinkIn(Assert.Single(await Cases.CaseTestKit.MailsAsync(_app, "fgj.handler@anyue.example", number))));
        var handler = _app.Anonymous();

        var urged = await browser.PostAsync($"/cases/{number}/urge", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["note"] = "请尽快签收" }));
        var changed = await browser.PostAsync($"/cases/{number}/urge", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["note"] = "请今天签收" }));
        Assert.Equal(HttpStatusCode.Redirect, (await Cases.CaseTestKit.PostActionAsync(handler, link, "accept")).StatusCode);
        var progress = Cases.CaseTestKit.FormFor(await handler.GetStringAsync(link), "progress")!;
        progress["note"] = "已联系企业";
        var firstNote = await handler.PostAsync(link, new FormUrlEncodedContent(progress));
        progress["note"] = "已联系企业，约定周三踏勘";
        var secondNote = await handler.PostAsync(link, new FormUrlEncodedContent(progress));

        Assert.Equal(HttpStatusCode.Redirect, urged.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Contains("这份表单已经提交过，这次的内容与上次不同：上次提交的已经生效，这次的未执行", await changed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, firstNote.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, secondNote.StatusCode);
        Assert.Contains("这份表单已经提交过", await secondNote.Content.ReadAsStringAsync());
        var c = await Cases.CaseTestKit.GetCaseAsync(officer, number);
        var notes = c.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() is "urged" or "progress").Select(e => e.GetProperty("note").GetString()).ToList();
        Assert.Equal(["请尽快签收", "已联系企业"], notes);
    }

    private static ByteArrayContent Typed(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static async Task<string> PageAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    [Fact]
    public async Task A_multipart_body_cut_short_or_garbled_is_400_on_any_route_not_500()
    {
        var client = _app.CreateClient();
        const string garbled = "multipart/form-data; boundary=xyz";

        var api = await ProblemAsync(await client.PostAsync("/api/auth/login", Typed("garbage", garbled)), HttpStatusCode.BadRequest);
        var home = await PageAsync(await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Content = Typed("garbage", garbled) }), HttpStatusCode.BadRequest);
        var signIn = await PageAsync(await client.PostAsync("/account/login",
            Typed("--xyz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nadmin", garbled)), HttpStatusCode.BadRequest);

        Assert.Contains("表单无法读取", api.GetProperty("detail").GetString());
        Assert.Contains("表单无法读取", home);
        Assert.Contains("表单无法读取", signIn);
    }

    [Theory]
    [InlineData("application/json; charset=bogus", "“bogus”")]
    [InlineData("application/json; charset=", "“”")]
    public async Task A_body_in_an_unknown_charset_is_415_naming_it_not_500(string contentType, string named)
    {
        var client = _app.CreateClient();

        var problem = await ProblemAsync(await client.PostAsync("/api/auth/login", Typed("""{"email":"a@b.example","password":"x"}""", contentType)),
            HttpStatusCode.UnsupportedMediaType);

        Assert.Contains($"无法识别请求体的字符集{named}", problem.GetProperty("detail").GetString());
        // A known charset is read as before: a wrong password, not a refused body.
        var known = await client.PostAsync("/api/auth/login", Typed("""{"email":"a@b.example","password":"x"}""", "application/json; charset=utf-8"));
        Assert.Equal(HttpStatusCode.Unauthorized, known.StatusCode);
    }

    [Fact]
    public async Task A_form_route_answers_a_missing_or_oversized_form_or_a_json_body_in_a_forms_words()
    {
        var client = _app.CreateClient();
        var manyFields = string.Join("&", Enumerable.Range(0, 1_100).Select(i => $"k{i}=v"));

        var empty = await PageAsync(await client.PostAsync("/language", Typed("", "application/x-www-form-urlencoded")), HttpStatusCode.BadRequest);
        var json = await PageAsync(await client.PostAsync("/language", Json("""{"culture":"en"}""")), HttpStatusCode.UnsupportedMediaType);
        var oversized = await PageAsync(await client.PostAsync("/language", Typed(manyFields, "application/x-www-form-urlencoded")), HttpStatusCode.BadRequest);
        var apiType = await ProblemAsync(await client.PostAsync("/api/auth/login", Typed("{}", "application/json;;;")), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("缺少表单内容", empty);
        Assert.DoesNotContain("JSON", empty);
        Assert.Contains("请以表单提交", json);
        Assert.Contains("表单无法读取", oversized);
        Assert.Equal("请求体类型不受支持，请发送 application/json / Unsupported content type: send application/json", apiType.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_sign_in_form_without_its_antiforgery_token_gets_the_expired_page_not_an_error()
    {
        var client = _app.CreateClient();

        var page = await PageAsync(await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = LiaisonApp.AdminEmail,
            ["password"] = LiaisonApp.AdminPassword,
        })), HttpStatusCode.BadRequest);

        Assert.Contains("页面已过期", page);
    }

    [Fact]
    public async Task An_outbox_status_given_as_a_list_is_400()
    {
        var admin = await _app.AsAdminAsync();

        await ProblemAsync(await admin.GetAsync("/api/admin/outbox?status=pending&status=sent"), HttpStatusCode.BadRequest);
        await ProblemAsync(await admin.GetAsync("/api/admin/outbox?status=1"), HttpStatusCode.BadRequest);
        var before = await ProblemAsync(await admin.GetAsync("/api/admin/outbox?before=yesterday"), HttpStatusCode.BadRequest);
        Assert.True(before.GetProperty("errors").TryGetProperty("before", out _), before.ToString());
        // Waiting and failed mail are listed in the order they were queued, which ids follow only to the millisecond.
        var pendingBefore = await ProblemAsync(await admin.GetAsync($"/api/admin/outbox?status=pending&before={Guid.CreateVersion7()}"), HttpStatusCode.BadRequest);
        Assert.Contains("before 只用于已发送邮件或全部邮件", pendingBefore.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/outbox?status=Sent")).StatusCode);
    }

    [Fact]
    public async Task A_paging_link_edited_by_hand_is_400_in_the_readers_words_with_the_way_back_to_the_first_page()
    {
        var admin = await _app.AsAdminAsync();
        var browser = await _app.SignInThroughFormAsync(LiaisonApp.AdminEmail, LiaisonApp.AdminPassword);

        var problem = await ProblemAsync(await admin.GetAsync("/api/admin/outbox?status=sent&before=xyz"), HttpStatusCode.BadRequest);
        var page = await PageAsync(await browser.GetAsync("/admin/outbox?show=sent&q=zhang%40anyue.example&before=xyz"), HttpStatusCode.BadRequest);

        Assert.Equal("翻页位置无效，请从第一页重新翻页 / this page position is not valid; start again from the first page",
            problem.GetProperty("errors").GetProperty("before")[0].GetString());
        Assert.StartsWith("翻页位置无效", problem.GetProperty("detail").GetString());
        Assert.Contains("翻页位置无效，请从第一页重新翻页。", page);
        Assert.Contains("href=\"/admin/outbox?show=sent&amp;q=zhang@anyue.example\"", page); // the same list and search, from its first page
        Assert.Contains("回到第一页", page);
        Assert.DoesNotContain("GUID", page);
        Assert.DoesNotContain("GUID", problem.ToString());
    }

    [Theory]
    [InlineData("/api/cases?page=abc", "page")]
    [InlineData("/api/cases?page=999999999999", "page")]
    [InlineData("/api/cases?overdue=maybe", "overdue")]
    public async Task A_query_value_of_the_wrong_type_is_400_naming_the_parameter_without_dotnet_types(string url, string parameter)
    {
        var officer = await _app.AsOfficerAsync();

        var problem = await ProblemAsync(await officer.GetAsync(url), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
        Assert.DoesNotContain("Nullable", problem.ToString());
    }

    [Fact]
    public async Task A_body_member_of_the_wrong_type_is_400_naming_it_and_a_missing_body_says_so()
    {
        var officer = await _app.AsOfficerAsync();

        var typed = await ProblemAsync(await officer.PostAsync("/api/cases", Json("""{"title": 5}""")), HttpStatusCode.BadRequest);
        var missing = await ProblemAsync(await officer.PostAsync("/api/cases", new StringContent("", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        Assert.True(typed.GetProperty("errors").TryGetProperty("title", out _), typed.ToString());
        Assert.DoesNotContain("Liaison.Server", typed.ToString());
        Assert.Contains("缺少请求体", missing.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_frameworks_own_refusals_say_what_is_wrong_in_both_languages()
    {
        var officer = await _app.AsOfficerAsync();
        var plain = new StringContent("{}", Encoding.UTF8, "text/plain");

        foreach (var (response, status) in new[]
        {
            (await _app.Anonymous().GetAsync("/api/cases"), HttpStatusCode.Unauthorized),
            (await officer.GetAsync("/api/users"), HttpStatusCode.Forbidden),
            (await officer.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound),
            (await officer.DeleteAsync("/api/cases"), HttpStatusCode.MethodNotAllowed),
            (await officer.PostAsync("/api/cases", plain), HttpStatusCode.UnsupportedMediaType),
        })
        {
            var detail = (await ProblemAsync(response, status)).GetProperty("detail").GetString()!;
            Assert.Matches(@"\p{IsCJKUnifiedIdeographs}.* / [A-Z]", detail);
        }
    }

    [Fact]
    public async Task A_password_without_a_digit_is_refused_in_both_languages()
    {
        var admin = await _app.AsAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/users", new { email = "nodigit@test.example", displayName = "无数字", password = "abcdefghijkl", role = "Officer" });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("password")[0].GetString()!;
        Assert.Contains("至少要有一个数字", message);
        Assert.Contains("needs at least one digit", message);
    }

    [Fact]
    public async Task A_password_with_a_text_direction_control_is_a_password_like_any_other()
    {
        var admin = await _app.AsAdminAsync();
        // Compared, never shown: refused, it could not sign in with a password set before the rule.
        const string password = "abc\u202edef-12345";

        var created = await admin.PostAsJsonAsync("/api/users", new { email = "bidi.password@test.example", displayName = "方向", password, role = "Officer" });
        var signedIn = await _app.Anonymous().PostAsJsonAsync("/api/auth/login", new { email = "bidi.password@test.example", password });

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.True(signedIn.StatusCode == HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("控制字符\u0007\u001b[31m")]
    [InlineData("\u200b\u200b")]
    public async Task A_title_with_control_characters_or_only_invisible_ones_is_400_naming_it(string title)
    {
        var officer = await _app.AsOfficerAsync();
        var body = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        body["title"] = System.Text.RegularExpressions.Regex.Unescape(title);
        var before = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));

        var problem = await ProblemAsync(await officer.PostAsJsonAsync("/api/cases", body), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("title", out _), problem.ToString());
        Assert.Equal(before, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
    }

    [Theory]
    [InlineData("\u202e\u200f")] // a direction override and a mark
    [InlineData("\u200e \u061c")] // the marks, with a space
    [InlineData("\u2066\u2069")] // an isolate, opened and closed
    [InlineData("\u00ad")] // a soft hyphen
    [InlineData("\u3164\uffa0")] // Hangul fillers
    [InlineData("\u115f\u1160")]
    [InlineData("\u180e")] // the Mongolian vowel separator
    public async Task A_required_field_of_characters_that_show_nothing_is_required_and_opens_nothing(string blank)
    {
        var officer = await _app.AsOfficerAsync();
        var body = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        body["title"] = blank;
        body["description"] = blank;
        var before = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));

        var problem = await ProblemAsync(await officer.PostAsJsonAsync("/api/cases", body), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.Equal("必填 / is required", Assert.Single(errors.GetProperty("title").EnumerateArray()).GetString());
        Assert.Equal("必填 / is required", Assert.Single(errors.GetProperty("description").EnumerateArray()).GetString());
        Assert.Equal(before, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
    }

    [Theory]
    [InlineData('\u202a')]
    [InlineData('\u202b')]
    [InlineData('\u202c')]
    [InlineData('\u202d')]
    [InlineData('\u202e')]
    [InlineData('\u2066')]
    [InlineData('\u2067')]
    [InlineData('\u2068')]
    [InlineData('\u2069')]
    public async Task A_text_direction_control_in_free_text_is_400_naming_the_field_and_changes_nothing(char control)
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var body = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        body["title"] = $"用电{control}装报";
        body["description"] = $"企业反映{control}电压不稳";
        var cases = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));
        var timeline = await TimelineLengthAsync(officer, number);

        var opened = await ProblemAsync(await officer.PostAsJsonAsync("/api/cases", body), HttpStatusCode.BadRequest);
        var noted = await ProblemAsync(await officer.PostAsJsonAsync($"/api/cases/{number}/notes", new { note = $"已电话{control}联系" }), HttpStatusCode.BadRequest);

        const string Refused = "不能含有文字方向控制字符（U+202A–U+202E、U+2066–U+2069） / must not contain text-direction control characters (U+202A–U+202E, U+2066–U+2069)";
        Assert.Equal(Refused, Assert.Single(opened.GetProperty("errors").GetProperty("title").EnumerateArray()).GetString());
        Assert.Equal(Refused, Assert.Single(opened.GetProperty("errors").GetProperty("description").EnumerateArray()).GetString());
        Assert.Equal(Refused, Assert.Single(noted.GetProperty("errors").GetProperty("note").EnumerateArray()).GetString());
        Assert.Equal(cases, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
        Assert.Equal(timeline, await TimelineLengthAsync(officer, number));
    }

    [Fact]
    public async Task A_text_direction_control_in_a_mail_template_a_workflow_definition_or_a_holiday_name_is_400_naming_where_and_stores_nothing()
    {
        var admin = await _app.AsAdminAsync();
        const string Refused = "不能含有文字方向控制字符（U+202A–U+202E、U+2066–U+2069） / must not contain text-direction control characters (U+202A–U+202E, U+2066–U+2069)";
        var templates = await _app.WithDbAsync(db => db.Set<Liaison.Server.Templates.MailTemplateRecord>().CountAsync());

        // Written escaped in the JSON: what arrives is the character all the same.
        var template = await ProblemAsync(await admin.PutAsync("/api/mail-templates/closed/zh-CN/subject",
            Json("""{"source":"【销号】\u202e{{ Case.Number }} {{ Case.Title }}"}""")), HttpStatusCode.BadRequest);
        var workflow = await ProblemAsync(await admin.PutAsync("/api/workflow-definitions/rlo-test", Json("""
            {"name":"流程","root":{"type":"Elsa.Flowchart","id":"r","activities":[
              {"id":"w","type":"Elsa.WriteLine","metadata":{"displayText":"写入\u2066日志"},"text":{"typeName":"String","expression":{"type":"Literal","value":"你好"}}}],"connections":[]}}
            """)), HttpStatusCode.BadRequest);
        var calendar = await ProblemAsync(await admin.PutAsync("/api/calendar/years/2033", Json("""
            {"version":"cn-2033-rlo","source":"国务院办公厅通知","holidays":[{"name":"New Year's Day","nameZh":"元\u202e旦","days":["2033-01-01"]}],"workdays":[]}
            """)), HttpStatusCode.BadRequest);

        Assert.Equal(Refused, Assert.Single(template.GetProperty("errors").GetProperty("source").EnumerateArray()).GetString());
        Assert.Equal("$.root.activities[0].metadata.displayText", workflow.GetProperty("path").GetString());
        Assert.Contains("$.root.activities[0].metadata.displayText 不能含有文字方向控制字符", workflow.GetProperty("detail").GetString());
        Assert.Equal($"holidays[0].nameZh: {Refused}", Assert.Single(calendar.GetProperty("errors").GetProperty("schedule").EnumerateArray()).GetString());
        Assert.Equal(templates, await _app.WithDbAsync(db => db.Set<Liaison.Server.Templates.MailTemplateRecord>().CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/workflow-definitions/rlo-test")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/calendar/years/2033")).StatusCode);
    }

    [Fact]
    public async Task The_direction_marks_inside_text_are_kept_as_typed()
    {
        var officer = await _app.AsOfficerAsync();
        var body = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        // A right-to-left mark beside an Arabic name only settles its neighbours' order; it reverses nothing after it.
        body["description"] = "供应商 شركة\u200f 的报价";

        var opened = await Cases.CaseTestKit.OpenAsync(officer, body);

        Assert.Equal("供应商 شركة\u200f 的报价", opened.GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_signed_in_officers_form_with_a_text_direction_control_is_a_400_page_naming_the_field_and_changes_nothing()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var browser = await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1");
        var page = await browser.GetStringAsync($"/cases/{number}");
        var timeline = await TimelineLengthAsync(officer, number);

        var posted = await browser.PostAsync($"/cases/{number}/notes", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Cases.CaseTestKit.TokenIn(page), ["note"] = "备注\u202e内容", ["requestId"] = Guid.NewGuid().ToString(),
        }));

        var body = System.Net.WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync());
        Assert.True(posted.StatusCode == HttpStatusCode.BadRequest, $"{(int)posted.StatusCode}: {body}");
        Assert.Equal("text/html", posted.Content.Headers.ContentType?.MediaType);
        Assert.Contains("不能含有文字方向控制字符", body);
        Assert.Equal(timeline, await TimelineLengthAsync(officer, number));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"x\"")]
    [InlineData("5")]
    public async Task A_json_body_that_is_no_object_says_it_must_be_one_and_changes_nothing(string json)
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var cases = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));
        var timeline = await TimelineLengthAsync(officer, number);

        foreach (var path in new[] { "/api/cases", $"/api/cases/{number}/extension-decision", $"/api/cases/{number}/notes" })
        {
            var problem = await ProblemAsync(await officer.PostAsync(path, Json(json)), HttpStatusCode.BadRequest);
            Assert.Equal("请求体必须是一个 JSON 对象（{ … }） / The request body must be a JSON object ({ … })", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(cases, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
        Assert.Equal(timeline, await TimelineLengthAsync(officer, number));
        // An object cut short still says it is not valid JSON, and where.
        Assert.StartsWith("请求体不是有效的 JSON（第 1 行）", (await ProblemAsync(await officer.PostAsync("/api/cases", Json("""{"title":""")), HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_deadline_preview_without_a_category_says_it_is_required_and_an_unknown_one_lists_the_codes_in_both_languages()
    {
        var officer = await _app.AsOfficerAsync();

        var missing = await ProblemAsync(await officer.GetAsync("/api/cases/deadline-preview?priority=normal"), HttpStatusCode.BadRequest);
        var blank = await ProblemAsync(await officer.GetAsync("/api/cases/deadline-preview?category=%20"), HttpStatusCode.BadRequest);
        var unknown = await ProblemAsync(await officer.GetAsync("/api/cases/deadline-preview?category=nonsense"), HttpStatusCode.BadRequest);

        Assert.Equal("必填：请选择类别 / is required: choose a category", Assert.Single(missing.GetProperty("errors").GetProperty("category").EnumerateArray()).GetString());
        Assert.Equal("必填：请选择类别 / is required: choose a category", Assert.Single(blank.GetProperty("errors").GetProperty("category").EnumerateArray()).GetString());
        var message = Assert.Single(unknown.GetProperty("errors").GetProperty("category").EnumerateArray()).GetString()!;
        var (zh, en) = (message[..message.IndexOf(" / ", StringComparison.Ordinal)], message[(message.IndexOf(" / ", StringComparison.Ordinal) + 3)..]);
        foreach (var code in new[] { "project-landing", "factor-guarantee", "legacy-issue", "bankruptcy", "other" })
        {
            Assert.Contains($"（{code}）", zh);
            Assert.Contains($"({code})", en);
        }
    }

    [Fact]
    public async Task Raising_a_visit_problems_case_again_with_a_wrong_body_is_400_and_with_a_right_one_the_same_case()
    {
        var admin = await _app.AsAdminAsync();
        var officer = await _app.AsOfficerAsync();
        const string first17 = "91512021MA5000001";
        var entry = await admin.PostAsJsonAsync("/api/enterprises", new
        {
            name = "安岳再次转办测试企业", creditCode = first17 + Liaison.Cases.Enterprises.UnifiedSocialCreditCode.ComputeCheckCharacter(first17), industryChain = "other",
            contacts = new object[] { new { name = "王经理", phone = "13800001111" } },
        });
        var enterprise = (await entry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var logged = await officer.PostAsJsonAsync($"/api/enterprises/{enterprise}/visits", new
        {
            visitedOn = "2026-03-02", findings = "企业反映用电问题。",
            problems = new[] { new { title = "用电扩容", description = "需要扩容。", departmentCode = "fgj", category = "factor-guarantee" } },
        });
        var visit = await logged.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(logged.StatusCode == HttpStatusCode.Created, visit.ToString());
        var path = $"/api/visits/{visit.GetProperty("id").GetInt64()}/problems/{visit.GetProperty("problems")[0].GetProperty("id").GetInt64()}/case";
        var raised = await officer.PostAsync(path, Json("{}"));
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        var number = (await raised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString();
        var cases = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));

        foreach (var (body, field) in new[] { ("""{"departmentCode":"zz"}""", "departmentCode"), ("""{"priority":"soon"}""", "priority"), ("""{"category":"nope"}""", "category") })
        {
            var problem = await ProblemAsync(await officer.PostAsync(path, Json(body)), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        await ProblemAsync(await officer.PostAsync(path, Json("null")), HttpStatusCode.BadRequest);
        var again = await officer.PostAsync(path, Json("""{"departmentCode":"fgj","priority":"urgent"}"""));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(number, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync(path, null)).StatusCode);
        // Another department is not the same request again: the problem is that case already, and the answer says so.
        var elsewhere = await ProblemAsync(await officer.PostAsync(path, Json("""{"departmentCode":"gdgs"}""")), HttpStatusCode.Conflict);
        Assert.Equal(number, elsewhere.GetProperty("caseNumber").GetString());
        // The department it went to, deactivated since, is still a right request again (it answers the case raised), not a 400.
        await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "fgj").ExecuteUpdateAsync(u => u.SetProperty(d => d.Active, false)));
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync(path, Json("""{"departmentCode":"fgj"}"""))).StatusCode);
        }
        finally
        {
            await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "fgj").ExecuteUpdateAsync(u => u.SetProperty(d => d.Active, true)));
        }

        Assert.Equal(cases, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
    }

    [Fact]
    public async Task A_line_break_in_a_single_line_field_is_400_naming_it_and_in_a_description_is_kept()
    {
        var officer = await _app.AsOfficerAsync();
        var admin = await _app.AsAdminAsync();
        var cases = await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count()));
        var titled = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        titled["title"] = "T2\r\nBcc: evil@x.example";
        var named = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        const string fresh17 = "91512021MA5000002", fresh3 = "91512021MA5000003";
        var fresh3Code = fresh3 + Liaison.Cases.Enterprises.UnifiedSocialCreditCode.ComputeCheckCharacter(fresh3);
        named["enterprise"] = JsonSerializer.SerializeToNode(new
        {
            name = "安岳\n换行测试有限公司", creditCode = fresh17 + Liaison.Cases.Enterprises.UnifiedSocialCreditCode.ComputeCheckCharacter(fresh17), contact = "王经理",
        });

        foreach (var (response, field) in new[]
        {
            (await officer.PostAsJsonAsync("/api/cases", titled), "title"),
            (await officer.PostAsJsonAsync("/api/cases", named), "enterprise.name"),
            (await admin.PostAsJsonAsync("/api/departments", new
            {
                code = "crlf", name = "换行局", handler = new { name = "张\r\n伟", email = "h@anyue.example" }, leader = new { name = "李强", email = "l@anyue.example" },
            }), "handler.name"),
            (await admin.PostAsJsonAsync("/api/enterprises", new
            {
                name = "安岳换行\r\n企业", creditCode = fresh3Code, contacts = new object[] { new { name = "王\n经理", phone = "13800001111" } },
            }), "name"),
            (await admin.PostAsJsonAsync("/api/enterprises", new
            {
                name = "安岳换行企业", creditCode = fresh3Code, contacts = new object[] { new { name = "王\n经理", phone = "13800001111" } },
            }), "contacts[0].name"),
        })
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
            Assert.Contains("不能换行", messages[0].GetString());
        }

        Assert.Equal(cases, await _app.WithDbAsync(db => Task.FromResult(db.Cases.Count())));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/departments/crlf")).StatusCode);
        var described = JsonSerializer.SerializeToNode(Cases.CaseTestKit.NewCase())!.AsObject();
        described["description"] = "第一行\r\n第二行";
        Assert.Equal("第一行\r\n第二行", (await Cases.CaseTestKit.OpenAsync(officer, described)).GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_subject_template_longer_than_a_subject_needs_is_400_and_stores_nothing()
    {
        var admin = await _app.AsAdminAsync();
        var before = await admin.GetStringAsync("/api/mail-templates/dispatch/zh-CN/subject");

        var response = await admin.PutAsJsonAsync("/api/mail-templates/dispatch/zh-CN/subject", new { source = "{{ Case.Number }} " + new string('长', 100_000 - 18) });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("邮件主题模板不能超过 1000 个字符", problem.GetProperty("errors").GetProperty("source")[0].GetString());
        Assert.Equal(before, await admin.GetStringAsync("/api/mail-templates/dispatch/zh-CN/subject"));
    }

    [Fact]
    public async Task A_search_finds_a_name_whichever_width_of_bracket_is_typed()
    {
        var officer = await _app.AsOfficerAsync();
        var full = (await Cases.CaseTestKit.OpenAsync(officer, Cases.CaseTestKit.NewCase(title: "括号检索（全角）事项"))).GetProperty("number").GetString();
        var half = (await Cases.CaseTestKit.OpenAsync(officer, Cases.CaseTestKit.NewCase(title: "括号检索(半角)事项"))).GetProperty("number").GetString();

        async Task<List<string?>> FoundAsync(string q) =>
            (await officer.GetFromJsonAsync<JsonElement>("/api/cases?q=" + Uri.EscapeDataString(q))).GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("number").GetString()).ToList();

        // Typed half-width, the name full-width, and the other way round (each found nothing).
        Assert.Equal([full], await FoundAsync("括号检索(全角)"));
        Assert.Equal([half], await FoundAsync("括号检索（半角）"));
        // The register's search too: its sample names are written with full-width brackets.
        var register = await (await _app.SignInThroughFormAsync("officer@test.example", "officer-password-1"))
            .GetStringAsync("/enterprises?q=" + Uri.EscapeDataString("企业01有限公司(示例)"));
        Assert.Contains("企业01有限公司（示例）", register);
    }

    [Fact]
    public async Task A_search_for_an_underscore_or_a_percent_sign_finds_them_not_every_case()
    {
        var officer = await _app.AsOfficerAsync();
        var plain = (await Cases.CaseTestKit.OpenAsync(officer, Cases.CaseTestKit.NewCase(title: "通配AXB检索"))).GetProperty("number").GetString();
        var underscored = (await Cases.CaseTestKit.OpenAsync(officer, Cases.CaseTestKit.NewCase(title: "通配A_B检索"))).GetProperty("number").GetString();

        async Task<List<string?>> FoundAsync(string q) =>
            (await officer.GetFromJsonAsync<JsonElement>("/api/cases?q=" + Uri.EscapeDataString(q))).GetProperty("items").EnumerateArray()
                .Select(i => i.GetProperty("number").GetString()).ToList();

        Assert.Equal([underscored], await FoundAsync("通配A_B"));
        Assert.DoesNotContain(plain, await FoundAsync("_"));
        Assert.DoesNotContain(plain, await FoundAsync("%"));
        Assert.DoesNotContain(plain, await FoundAsync("\\"));

        // The register's search and the audit log's filters escape the same way.
        const string first17 = "91512021MA5000004";
        var registered = await (await _app.AsAdminAsync()).PostAsJsonAsync("/api/enterprises", new
        {
            name = "安岳下划线_百分号%企业", creditCode = first17 + Liaison.Cases.Enterprises.UnifiedSocialCreditCode.ComputeCheckCharacter(first17),
            contacts = new object[] { new { name = "王经理", phone = "13800001111" } },
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var found = await officer.GetFromJsonAsync<JsonElement>("/api/enterprises?q=" + Uri.EscapeDataString("线_百分号%企"));
        Assert.Equal(["安岳下划线_百分号%企业"], found.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("confirm")]
    [InlineData("urge")]
    [InlineData("cancel")]
    public async Task An_optional_body_sent_as_json_null_is_400_like_a_required_one_and_changes_nothing(string action)
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        var timeline = await TimelineLengthAsync(officer, number);

        var problem = await ProblemAsync(await officer.PostAsync($"/api/cases/{number}/{action}", Json("null")), HttpStatusCode.BadRequest);

        Assert.Contains("请求体是 null", problem.GetProperty("detail").GetString());
        Assert.Equal(timeline, await TimelineLengthAsync(officer, number));
        Assert.Equal("dispatched", (await Cases.CaseTestKit.GetCaseAsync(officer, number)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_admins_optional_bodies_sent_as_json_null_are_400_too()
    {
        var admin = await _app.AsAdminAsync();
        var instances = await _app.WithDbAsync(db => db.Set<Liaison.Server.Workflows.WorkflowInstanceRecord>().CountAsync());

        foreach (var path in new[]
        {
            "/api/workflow-definitions/hello-world/instances",
            $"/api/workflow-instances/{Guid.NewGuid()}/bookmarks/b/resume",
            $"/api/workflow-instances/{Guid.NewGuid()}/events/e",
            "/api/mail-templates/dispatch/zh-CN/preview",
        })
        {
            var problem = await ProblemAsync(await admin.PostAsync(path, Json("null")), HttpStatusCode.BadRequest);
            Assert.Contains("请求体是 null", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(instances, await _app.WithDbAsync(db => db.Set<Liaison.Server.Workflows.WorkflowInstanceRecord>().CountAsync()));
        // No body at all still starts one.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/workflow-definitions/hello-world/instances", null)).StatusCode);
    }

    [Fact]
    public async Task An_optional_body_left_out_is_still_no_body()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;
        // Another case: a second urge of one case within the cool-down would be refused for that (NudgeCoolDownTests).
        var other = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;

        var urged = await officer.PostAsync($"/api/cases/{number}/urge", null);
        var emptyJson = await officer.PostAsync($"/api/cases/{other}/urge", new StringContent("", Encoding.UTF8, "application/json"));

        Assert.True(urged.StatusCode == HttpStatusCode.OK, await urged.Content.ReadAsStringAsync());
        Assert.True(emptyJson.StatusCode == HttpStatusCode.OK, await emptyJson.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_calendar_takes_a_years_schedule_for_the_years_it_computes_deadlines_in_and_no_other()
    {
        var admin = await _app.AsAdminAsync();
        static StringContent Year(int year) => Json($$"""{"year":{{year}},"version":"test-{{year}}","source":"test","holidays":[{"name":"New Year","nameZh":"元旦","days":["{{year}}-01-01"]}],"workdays":[]}""");

        var beyond = await admin.PutAsync("/api/calendar/years/2100", Year(2100));
        var due = await admin.GetAsync("/api/calendar/due?from=2100-01-04T10:00&workingDays=1");

        var problem = await ProblemAsync(beyond, HttpStatusCode.BadRequest);
        Assert.Contains("2000–2099", problem.ToString());
        Assert.Contains("2000–2099", (await ProblemAsync(due, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/calendar/years/2100")).StatusCode);
    }

    [Fact]
    public async Task The_rating_of_a_case_that_does_not_exist_says_there_is_no_such_case()
    {
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer)).GetProperty("number").GetString()!;

        var unknown = await ProblemAsync(await officer.GetAsync("/api/cases/NOPE/rating"), HttpStatusCode.NotFound);
        var unrated = await ProblemAsync(await officer.GetAsync($"/api/cases/{number}/rating"), HttpStatusCode.NotFound);

        Assert.Contains("没有编号为 NOPE 的事项", unknown.GetProperty("detail").GetString());
        Assert.Contains($"事项 {number} 没有企业评价", unrated.GetProperty("detail").GetString());
    }

    private static async Task<int> TimelineLengthAsync(HttpClient officer, string number) =>
        (await Cases.CaseTestKit.GetCaseAsync(officer, number)).GetProperty("timeline").GetArrayLength();
}
