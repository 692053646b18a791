using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests;

public sealed class DepartmentsApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private static object NewDepartment(string code) => new
    {
        code,
        name = "测试局",
        handler = new { name = "张三", email = "zhangsan@anyue.example" },
        leader = new { name = "李四", email = "lisi@anyue.example" },
    };

    [Fact]
    public async Task Anonymous_gets_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync("/api/departments")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().PostAsJsonAsync("/api/departments", NewDepartment("anon"))).StatusCode);
    }

    [Fact]
    public async Task Officer_reads_the_sample_departments()
    {
        var officer = await _app.AsOfficerAsync();
        var list = await officer.GetFromJsonAsync<JsonElement[]>("/api/departments");
        var fgj = await officer.GetFromJsonAsync<JsonElement>("/api/departments/fgj");

        Assert.True(list!.Length >= 29);
        Assert.Equal("发展和改革局", fgj.GetProperty("name").GetString());
        Assert.Equal("fgj.handler@anyue.example", fgj.GetProperty("handler").GetProperty("email").GetString());
        Assert.True(fgj.GetProperty("sample").GetBoolean());
    }

    [Fact]
    public async Task Officer_cannot_write()
    {
        var officer = await _app.AsOfficerAsync();

        var post = await officer.PostAsJsonAsync("/api/departments", NewDepartment("by-officer"));
        var put = await officer.PutAsJsonAsync("/api/departments/fgj", NewDepartment("fgj"));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.False(await _app.WithDbAsync(db => db.Departments.AnyAsync(d => d.Code == "by-officer")));
        Assert.Equal("发展和改革局", await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "fgj").Select(d => d.Name).SingleAsync()));
    }

    [Fact]
    public async Task Admin_creates_and_updates_a_department()
    {
        var admin = await _app.AsAdminAsync();

        var created = await admin.PostAsJsonAsync("/api/departments", NewDepartment("tjj"));
        var updated = await admin.PutAsJsonAsync("/api/departments/tjj", new
        {
            name = "统计局",
            handler = new { name = "王五", email = "wangwu@anyue.example", culture = "en" },
            leader = new { name = "赵六", email = "zhaoliu@anyue.example" },
            active = false,
        });
        var read = await admin.GetFromJsonAsync<JsonElement>("/api/departments/tjj");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/departments/tjj", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("统计局", read.GetProperty("name").GetString());
        Assert.Equal("wangwu@anyue.example", read.GetProperty("handler").GetProperty("email").GetString());
        Assert.Equal("en", read.GetProperty("handler").GetProperty("culture").GetString());
        Assert.False(read.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_department_with_open_cases_is_not_deactivated_and_an_unchanged_save_keeps_it_a_sample()
    {
        var admin = await _app.AsAdminAsync();
        var officer = await _app.AsOfficerAsync();
        var number = (await Cases.CaseTestKit.OpenAsync(officer, Cases.CaseTestKit.NewCase("sthjj"))).GetProperty("number").GetString();
        var current = await admin.GetFromJsonAsync<JsonElement>("/api/departments/sthjj");
        object Body(bool active) => new
        {
            name = current.GetProperty("name").GetString(),
            handler = new { name = current.GetProperty("handler").GetProperty("name").GetString(), email = current.GetProperty("handler").GetProperty("email").GetString() },
            leader = new { name = current.GetProperty("leader").GetProperty("name").GetString(), email = current.GetProperty("leader").GetProperty("email").GetString() },
            active,
        };

        var refused = await admin.PutAsJsonAsync("/api/departments/sthjj", Body(active: false));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        // Named, so the admin finds the case to reassign.
        Assert.Contains($"还有在办事项或协办任务（{number}）", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.True(await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "sthjj").Select(d => d.Active).SingleAsync()));

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/sthjj", Body(active: true))).StatusCode);
        Assert.True(await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "sthjj").Select(d => d.IsSample).SingleAsync()));
    }

    [Fact]
    public async Task Duplicate_code_is_409_and_nothing_changes()
    {
        var admin = await _app.AsAdminAsync();

        var response = await admin.PostAsJsonAsync("/api/departments", NewDepartment("fgj"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("fgj", problem.GetProperty("detail").GetString());
        Assert.Equal(1, await _app.WithDbAsync(db => db.Departments.CountAsync(d => d.Code == "fgj")));
        Assert.Equal("发展和改革局", await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "fgj").Select(d => d.Name).SingleAsync()));
    }

    [Theory]
    [InlineData("{\"code\":\"Bad Code!\",\"name\":\"x\",\"handler\":{\"name\":\"a\",\"email\":\"a@anyue.example\"},\"leader\":{\"name\":\"b\",\"email\":\"b@anyue.example\"}}", "code")]
    [InlineData("{\"code\":\"okcode\",\"name\":\"\",\"handler\":{\"name\":\"a\",\"email\":\"a@anyue.example\"},\"leader\":{\"name\":\"b\",\"email\":\"b@anyue.example\"}}", "name")]
    [InlineData("{\"code\":\"okcode\",\"name\":\"x\",\"handler\":{\"name\":\"a\",\"email\":\"not an email\"},\"leader\":{\"name\":\"b\",\"email\":\"b@anyue.example\"}}", "handler.email")]
    [InlineData("{\"code\":\"okcode\",\"name\":\"x\",\"handler\":{\"name\":\"a\",\"email\":\"a@anyue.example\"}}", "leader")]
    [InlineData("{\"code\":\"okcode\",\"name\":\"x\",\"handler\":{\"name\":\"a\",\"email\":\"a@anyue.example\",\"culture\":\"fr\"},\"leader\":{\"name\":\"b\",\"email\":\"b@anyue.example\"}}", "handler.culture")]
    [InlineData("{\"code\":\"okcode\",\"name\":\"x\",\"handler\":{\"name\":\"a\",\"email\":\"a@anyue.example\"},\"leader\":{\"name\":\"a\",\"email\":\"A@anyue.example\"}}", "leader.email")]
    public async Task Bad_input_is_400_naming_the_field_and_writes_nothing(string json, string field)
    {
        var admin = await _app.AsAdminAsync();
        var before = await _app.WithDbAsync(db => db.Departments.CountAsync());

        var response = await admin.PostAsync("/api/departments", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(before, await _app.WithDbAsync(db => db.Departments.CountAsync()));
    }

    [Fact]
    public async Task Wrongly_typed_json_is_400()
    {
        var admin = await _app.AsAdminAsync();

        var response = await admin.PostAsync("/api/departments", new StringContent("{\"code\":42,\"active\":\"yes\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Updating_an_unknown_department_is_404_and_changing_the_code_is_400()
    {
        var admin = await _app.AsAdminAsync();

        var unknown = await admin.PutAsJsonAsync("/api/departments/nope", NewDepartment("nope"));
        var rename = await admin.PutAsJsonAsync("/api/departments/czj", NewDepartment("other"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rename.StatusCode);
        Assert.True(await _app.WithDbAsync(db => db.Departments.AnyAsync(d => d.Code == "czj" && d.Name == "财政局")));
    }
}
