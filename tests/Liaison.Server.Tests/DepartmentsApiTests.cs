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

    private static object Named(string? code, string name, bool active = true) => new
    {
        code,
        name,
        handler = new { name = "张三", email = "zhangsan@anyue.example" },
        leader = new { name = "李四", email = "lisi@anyue.example" },
        active,
    };

    [Fact]
    public async Task A_name_another_department_has_is_400_naming_that_department_and_nothing_changes()
    {
        var admin = await _app.AsAdminAsync();
        var before = await _app.WithDbAsync(db => db.Departments.CountAsync());

        var renamed = await admin.PutAsJsonAsync("/api/departments/fgj", Named(null, "经济和信息化局"));
        var created = await admin.PostAsJsonAsync("/api/departments", Named("jxj-copy", " 经济和信息化局 "));

        foreach (var response in new[] { renamed, created })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var message = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("name").EnumerateArray()).GetString();
            Assert.Equal("名称已被“经济和信息化局”（jxj）使用 / the name is already used by \"经济和信息化局\" (jxj)", message);
        }

        Assert.Equal("发展和改革局", await _app.WithDbAsync(db => db.Departments.Where(d => d.Code == "fgj").Select(d => d.Name).SingleAsync()));
        Assert.Equal(before, await _app.WithDbAsync(db => db.Departments.CountAsync()));

        // Full-width and half-width forms are one name too.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/departments", Named("court-exec", "人民法院（执行局）"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/departments", Named("court-exec2", "人民法院(执行局)"))).StatusCode);

        // English names are compared without case, and an inactive department's name is taken as well.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/departments", Named("old-stats", "Statistics Bureau", active: false))).StatusCode);
        var again = await admin.PostAsJsonAsync("/api/departments", Named("stats", "statistics BUREAU"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("the inactive department \"Statistics Bureau\" (old-stats)", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("name")[0].GetString());
        Assert.False(await _app.WithDbAsync(db => db.Departments.AnyAsync(d => d.Code == "stats")));

        // A department keeps its own name, in another case too.
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/departments/old-stats", Named(null, "STATISTICS Bureau", active: false))).StatusCode);
    }

    [Fact]
    public async Task Two_admins_saving_one_name_at_once_get_one_department_of_that_name_and_a_409()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(DepartmentsApiTests) + "Race", withSmtp: false);
        var admin = await app.AsAdminAsync();
        // Another admin's new department, named like the rename below, not yet committed: the rename's check cannot see it.
        await using var other = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using var tx = await other.BeginTransactionAsync();
        await using (var insert = new Npgsql.NpgsqlCommand("""
            INSERT INTO departments (code, name, handler_name, handler_email, handler_culture, leader_name, leader_email, leader_culture, active, is_sample, created_at, updated_at)
            VALUES ('tjj', '统计局', '张三', 'zhangsan@anyue.example', 'zh-CN', '李四', 'lisi@anyue.example', 'zh-CN', true, false, now(), now())
            """, other, tx))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }

        var renaming = admin.PutAsJsonAsync("/api/departments/fgj", Named(null, "统计局"));
        await app.WaitUntilABackendWaitsOnALockAsync();
        await tx.CommitAsync();
        var renamed = await renaming;

        Assert.Equal(HttpStatusCode.Conflict, renamed.StatusCode);
        Assert.Contains("统计局", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal("发展和改革局", await app.WithDbAsync(db => db.Departments.Where(d => d.Code == "fgj").Select(d => d.Name).SingleAsync()));
        // The same through a new department.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/departments", Named("tjj-2", "统计局"))).StatusCode);
    }

    [Fact]
    public async Task The_migration_renames_departments_that_shared_a_name_before_the_check_so_the_index_can_be_built()
    {
        await using var app = await LiaisonApp.StartAsync(nameof(DepartmentsApiTests) + "Migration", withSmtp: false);
        var names = await app.WithDbAsync(async db =>
        {
            // As a database saved before the check could be: fgj renamed to jxj's name; swj renamed, then czj to the
            // same name in another case; zjj renamed, then gaj to the same name in full-width forms.
            await db.Database.ExecuteSqlRawAsync("DROP INDEX ix_departments_folded_name");
            await db.Database.ExecuteSqlRawAsync("UPDATE departments SET name = '经济和信息化局', updated_at = updated_at + interval '1 day' WHERE code = 'fgj'");
            await db.Database.ExecuteSqlRawAsync("UPDATE departments SET name = 'Tax Bureau', updated_at = updated_at + interval '1 day' WHERE code = 'swj'");
            await db.Database.ExecuteSqlRawAsync("UPDATE departments SET name = 'TAX BUREAU', updated_at = updated_at + interval '2 days' WHERE code = 'czj'");
            await db.Database.ExecuteSqlRawAsync("UPDATE departments SET name = '园区(A)局', updated_at = updated_at + interval '1 day' WHERE code = 'zjj'");
            await db.Database.ExecuteSqlRawAsync("UPDATE departments SET name = '园区（Ａ）局', updated_at = updated_at + interval '2 days' WHERE code = 'gaj'");
            // As the migration runs them: not as a format string (the folded forms include { and }).
            await db.Database.ExecuteSqlRawAsync(Unformatted(Liaison.Server.Data.Migrations.DepartmentNameFold.RenameDuplicatesSql));
            await db.Database.ExecuteSqlRawAsync(Unformatted(Liaison.Server.Data.Migrations.DepartmentNameFold.CreateIndexSql));
            return await db.Departments.Where(d => new[] { "fgj", "jxj", "swj", "czj", "zjj", "gaj" }.Contains(d.Code))
                .ToDictionaryAsync(d => d.Code, d => d.Name);
        });

        // The department that had the name first keeps it; the one saved with it later gets its code.
        Assert.Equal("经济和信息化局（fgj）", names["fgj"]);
        Assert.Equal("经济和信息化局", names["jxj"]);
        Assert.Equal("Tax Bureau", names["swj"]);
        Assert.Equal("TAX BUREAU（czj）", names["czj"]);
        Assert.Equal("园区(A)局", names["zjj"]);
        Assert.Equal("园区（Ａ）局（gaj）", names["gaj"]);
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE departments SET name = 'tax bureau' WHERE code = 'fgj'")));
        Assert.Equal(("23505", "ix_departments_folded_name"), (refused.SqlState, refused.ConstraintName));
        // Full-width forms and spaces around the name are the same name for the index, as for the service's check.
        var folded = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE departments SET name = '　ｔａｘ ｂｕｒｅａｕ ' WHERE code = 'fgj'")));
        Assert.Equal(("23505", "ix_departments_folded_name"), (folded.SqlState, folded.ConstraintName));

        static string Unformatted(string sql) => sql.Replace("{", "{{").Replace("}", "}}");
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
    public async Task An_unknown_mail_language_is_refused_naming_the_languages_in_words_with_their_codes()
    {
        var admin = await _app.AsAdminAsync();
        var json = "{\"code\":\"langcode\",\"name\":\"语言测试局\",\"handler\":{\"name\":\"a\",\"email\":\"a@anyue.example\",\"culture\":\"fr\"},\"leader\":{\"name\":\"b\",\"email\":\"b@anyue.example\"}}";

        var response = await admin.PostAsync("/api/departments", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("只能是中文（zh-CN）或英文（en） / must be Chinese (zh-CN) or English (en)",
            Assert.Single(errors.GetProperty("handler.culture").EnumerateArray()).GetString());
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
        // An unknown department is a 404 even under a name another department has.
        var unknownNamedTaken = await admin.PutAsJsonAsync("/api/departments/nope", new
        {
            code = "nope", name = "财政局", handler = new { name = "张三", email = "zhangsan@anyue.example" },
            leader = new { name = "李四", email = "lisi@anyue.example" },
        });
        var rename = await admin.PutAsJsonAsync("/api/departments/czj", NewDepartment("other"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownNamedTaken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rename.StatusCode);
        Assert.True(await _app.WithDbAsync(db => db.Departments.AnyAsync(d => d.Code == "czj" && d.Name == "财政局")));
    }
}
