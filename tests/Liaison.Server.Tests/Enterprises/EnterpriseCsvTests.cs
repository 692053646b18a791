using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Liaison.Cases.Enterprises;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Enterprises;

/// <summary>The register's CSV import (UTF-8 and GB18030, all or nothing) and export (which re-imports unchanged).</summary>
public sealed class EnterpriseCsvTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly LiaisonApp _app = fixture.App;

    private const string Header = "统一社会信用代码,企业名称,产业链,地址,重点企业,首席服务员,服务专班,走访周期（天）,联系人1姓名,联系人1电话,联系人1邮箱,联系人1接收通知,联系人2姓名,联系人2电话,联系人2邮箱,联系人2接收通知";

    /// <summary>A valid, fictitious credit code used by no other test class (prefix MA2).</summary>
    private static string Code(int n)
    {
        var first17 = $"91512021MA2{n:D6}";
        return first17 + UnifiedSocialCreditCode.ComputeCheckCharacter(first17);
    }

    private static byte[] Utf8(string text, bool bom = true) =>
        [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)];

    private static Encoding Gb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] bytes, string? charset = null)
    {
        var body = new ByteArrayContent(bytes);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = charset };
        return client.PostAsync("/api/enterprises/import", body);
    }

    private Task<int> CountAsync() => _app.WithDbAsync(db => db.Set<RegisteredEnterprise>().CountAsync());

    private Task<RegisteredEnterprise?> FindAsync(string code) => _app.WithDbAsync(db =>
        db.Set<RegisteredEnterprise>().Include(e => e.Contacts).Include(e => e.ServiceSquad).FirstOrDefaultAsync(e => e.CreditCode == code));

    [Fact]
    public async Task A_utf8_file_creates_its_enterprises_with_chief_squad_and_notice_contact()
    {
        var officer = await _app.AsOfficerAsync("csv.chief@test.example");
        await _app.AsOfficerAsync("csv.squad@test.example");
        var csv = Header + "\r\n" +
                  $"{Code(1)},安岳导入燃气有限公司,天然气,\"兴安路1号, 东门\",是,csv.chief@test.example,csv.squad@test.example;csv.chief@test.example,14,王经理,13800001111,wang@import.example,否,李会计,028-12345678,li@import.example,是\r\n" +
                  $"{Code(2).ToLowerInvariant()},安岳导入鞋服有限公司,纺织鞋服,,否,,,,赵主任,,zhao@import.example,,,,,\r\n";

        var response = await ImportAsync(officer, Utf8(csv));
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, summary.GetProperty("created").GetInt32());
        Assert.Equal(0, summary.GetProperty("updated").GetInt32());
        var gas = (await FindAsync(Code(1)))!;
        Assert.Equal("安岳导入燃气有限公司", gas.Name);
        Assert.Equal("兴安路1号, 东门", gas.Address);
        Assert.Equal(IndustryChain.NaturalGas, gas.IndustryChain);
        Assert.True(gas.IsKey);
        Assert.Equal(14, gas.VisitEveryDays);
        Assert.NotNull(gas.ChiefServiceOfficerId);
        Assert.Equal(2, gas.ServiceSquad.Count);
        Assert.Equal(["王经理", "李会计"], gas.Contacts.OrderBy(c => c.Position).Select(c => c.Name));
        Assert.Equal("李会计", gas.NoticeContact?.Name);
        var shoes = (await FindAsync(Code(2)))!;
        Assert.False(shoes.IsKey);
        Assert.Null(shoes.Address);
        Assert.Equal(RegisteredEnterprise.DefaultVisitEveryDays, shoes.VisitEveryDays);
        Assert.Equal("赵主任", shoes.NoticeContact?.Name); // nobody marked: the first contact with an email
    }

    [Fact]
    public async Task A_gb18030_file_as_excel_saves_it_creates_its_enterprises()
    {
        var officer = await _app.AsOfficerAsync();
        var csv = Header + "\r\n" +
                  $"{Code(10)},安岳稀土镨钕新材料有限公司,稀土,龙台镇工业园,是,,,,钱总,13900002222,qian@re.example,是,,,,\r\n";
        var bytes = Gb18030().GetBytes(csv);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, true).GetString(bytes)); // really not UTF-8

        // Labelled as a spreadsheet program may label it, with a name .NET does not know: the bytes decide, not the label.
        var response = await ImportAsync(officer, bytes, charset: "ansi");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = (await FindAsync(Code(10)))!;
        Assert.Equal("安岳稀土镨钕新材料有限公司", entry.Name);
        Assert.Equal("龙台镇工业园", entry.Address);
        Assert.Equal(IndustryChain.RareEarth, entry.IndustryChain);
        Assert.Equal("钱总", Assert.Single(entry.Contacts).Name);
    }

    [Fact]
    public async Task English_headers_without_a_bom_and_a_multipart_upload_are_read_too()
    {
        var officer = await _app.AsOfficerAsync();
        var csv = "creditCode,name,industryChain,isKey,contact1Name,contact1Email\n" +
                  $"{Code(20)},Anyue English Header Foods Ltd,medicine-food,yes,Ms Sun,sun@food.example\n";
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Utf8(csv, bom: false)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "register.csv");

        var response = await officer.PostAsync("/api/enterprises/import", form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = (await FindAsync(Code(20)))!;
        Assert.Equal(IndustryChain.MedicineFood, entry.IndustryChain);
        Assert.True(entry.IsKey);
        Assert.Equal("Ms Sun", entry.NoticeContact?.Name);
    }

    [Fact]
    public async Task A_line_with_more_cells_than_the_header_is_refused_naming_the_line_and_nothing_is_written()
    {
        var officer = await _app.AsOfficerAsync();
        var before = await CountAsync();
        var csv = "creditCode,name,industryChain,contact1Name,contact1Phone\n" +
                  $"{Code(50)},安岳多格一有限公司,other,甲,13811112222,,\n" + // blank cells past the header, as spreadsheets pad: nothing lost
                  $"{Code(51)},安岳多格二有限公司,other,乙,13811113333,丙,13811114444\n";

        var response = await ImportAsync(officer, Utf8(csv));

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.ToString());
        var errors = problem.GetProperty("errors");
        Assert.Contains("此行有 7 格，表头只有 5 列", errors.GetProperty("line 3")[0].GetString());
        Assert.False(errors.TryGetProperty("line 2", out _), problem.ToString());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_file_with_U0000_in_a_cell_is_refused_naming_the_line_and_nothing_is_written()
    {
        var officer = await _app.AsOfficerAsync();
        var before = await CountAsync();
        var csv = Header + "\r\n" +
                  $"{Code(40)},好企业,天然气,,否,,,,甲,13811112222,,,,,,\r\n" +
                  $"{Code(41)},坏\0企业,天然气,,否,,,,乙,13811113333,,,,,,\r\n";

        var response = await ImportAsync(officer, Utf8(csv));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {problem}");
        Assert.True(problem.GetProperty("errors").TryGetProperty("line 3", out _), problem.ToString());
        Assert.Equal(before, await CountAsync());
        Assert.Null(await FindAsync(Code(40)));
    }

    [Fact]
    public async Task A_file_with_bad_lines_among_good_ones_is_refused_whole_listing_every_bad_line_and_nothing_is_written()
    {
        var officer = await _app.AsOfficerAsync();
        var before = await CountAsync();
        var sample = await FindAsync(SampleEnterprises.CreditCode(7));
        var csv = Header + "\r\n" +
                  $"{Code(30)},好企业甲,天然气,,否,,,,甲联系人,13811112222,jia@good.example,是,,,,\r\n" +         // line 2: good
                  $"{Code(31)[..17]}{(Code(31)[17] == 'X' ? 'Y' : 'X')},坏代码企业,稀土,,否,,,,乙,13811113333,,,,,,\r\n" +                          // line 3: check character
                  $"{Code(32)},好企业丙,钢铁,,否,,,,丙,13811114444,,,,,,\r\n" +                                    // line 4: unknown chain
                  $"{SampleEnterprises.CreditCode(7)},改名的示例企业,天然气,,是,,,,丁,13811115555,ding@good.example,是,,,,\r\n" + // line 5: good (update)
                  $"{Code(30)},重复的企业,天然气,,否,,,,戊,13811116666,,,,,,\r\n" +                               // line 6: same code as line 2
                  $"{Code(33)},邮箱错的企业,天然气,,否,nobody@test.example,,abc,己,,not-an-email,是,,,,\r\n";      // line 7: four problems

        var response = await ImportAsync(officer, Utf8(csv));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["line 3", "line 4", "line 6", "line 7"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains("统一社会信用代码", errors.GetProperty("line 3")[0].GetString());
        Assert.Contains("产业链", errors.GetProperty("line 4")[0].GetString());
        Assert.Contains("第 2 行", errors.GetProperty("line 6")[0].GetString());
        var line7 = string.Join("\n", errors.GetProperty("line 7").EnumerateArray().Select(m => m.GetString()));
        foreach (var column in new[] { "首席服务员", "走访周期", "联系人1邮箱" })
        {
            Assert.Contains(column, line7);
        }

        Assert.Equal(before, await CountAsync());
        Assert.Null(await FindAsync(Code(30)));
        Assert.Equal(sample!.Name, (await FindAsync(SampleEnterprises.CreditCode(7)))!.Name);
        // Privacy: nothing of the file reached the logs.
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Text.Contains("13811112222") || e.Text.Contains("jia@good.example"));
    }

    [Fact]
    public async Task A_line_with_a_registered_credit_code_updates_that_entry_and_keeps_the_columns_the_file_lacks()
    {
        var officer = await _app.AsOfficerAsync();
        var code = SampleEnterprises.CreditCode(11);
        var sample = (await FindAsync(code))!;
        var csv = $"统一社会信用代码,企业名称,地址\r\n{code},安岳真实天然气有限公司,安岳经开区兴业大道9号\r\n";

        var response = await ImportAsync(officer, Utf8(csv));
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, summary.GetProperty("updated").GetInt32());
        Assert.Equal(0, summary.GetProperty("created").GetInt32());
        var updated = (await FindAsync(code))!;
        Assert.Equal(sample.Id, updated.Id);
        Assert.Equal("安岳真实天然气有限公司", updated.Name);
        Assert.Equal("安岳经开区兴业大道9号", updated.Address);
        Assert.False(updated.IsSample);
        Assert.True(updated.IsKey); // no such column: kept
        Assert.Equal(sample.IndustryChain, updated.IndustryChain);
        Assert.Equal(sample.Contacts.Single().Email, updated.Contacts.Single().Email);
    }

    [Fact]
    public async Task Export_then_import_round_trips_and_restores_a_changed_entry()
    {
        var officer = await _app.AsOfficerAsync("rt.chief@test.example");
        await _app.AsOfficerAsync("rt.squad@test.example");
        var created = await officer.PostAsJsonAsync("/api/enterprises", new
        {
            name = "安岳\"往返\"测试, 有限公司",
            creditCode = Code(40),
            industryChain = "medicine-food",
            address = "兴安路1号\n2号楼",
            isKey = true,
            chiefServiceOfficer = "rt.chief@test.example",
            serviceSquad = new[] { "rt.squad@test.example", "rt.chief@test.example" },
            visitEveryDays = 21,
            contacts = new object[]
            {
                new { name = "=周经理", phone = "+86 138 0000 1111", email = "zhou@rt.example" },
                new { name = "'吴会计", phone = "-5555-6666", email = "wu@rt.example", forNotices = true },
                new { name = "郑出纳", phone = "028-87654321" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var export = await officer.GetAsync("/api/enterprises/export.csv");
        var bytes = await export.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.Equal(await CountAsync(), text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length - 1); // one row each, a line break in a cell quoted
        Assert.Contains("'=周经理", text); // a formula-like cell is defused for Excel

        var again = await ImportAsync(officer, bytes);
        var summary = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(0, summary.GetProperty("created").GetInt32());
        Assert.Equal(0, summary.GetProperty("updated").GetInt32());
        Assert.Equal(await CountAsync(), summary.GetProperty("unchanged").GetInt32());

        // Someone changes the entry; the earlier export would undo that: refused, naming the entry's line, nothing imported.
        var put = await officer.PutAsJsonAsync($"/api/enterprises/{id}", new
        {
            name = "改过的名字", creditCode = Code(40), isKey = false, contacts = new object[] { new { name = "新人", email = "new@rt.example" } },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stale = await ImportAsync(officer, bytes);
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        var refusal = Assert.Single((await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject());
        Assert.StartsWith("版本（勿改）：该企业在导出此文件后已被他人修改", refusal.Value[0].GetString());
        Assert.Equal("改过的名字", (await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}")).GetProperty("name").GetString());

        // A file without the version column (as made before it existed) is imported as ever: its values put the entry back.
        var restore = await ImportAsync(officer, Utf8(WithoutBasis(text)));
        Assert.Equal(1, (await restore.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("updated").GetInt32());
        var read = await officer.GetFromJsonAsync<JsonElement>($"/api/enterprises/{id}");
        Assert.Equal("安岳\"往返\"测试, 有限公司", read.GetProperty("name").GetString());
        Assert.Equal("兴安路1号\n2号楼", read.GetProperty("address").GetString());
        Assert.Equal(21, read.GetProperty("visitEveryDays").GetInt32());
        Assert.Equal(2, read.GetProperty("serviceSquad").GetArrayLength());
        Assert.Equal(["=周经理", "'吴会计", "郑出纳"], read.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("+86 138 0000 1111", read.GetProperty("contacts")[0].GetProperty("phone").GetString());
        Assert.True(read.GetProperty("contacts")[1].GetProperty("forNotices").GetBoolean());
        // The same register again, but for the restored entry's version.
        var fresh = await officer.GetByteArrayAsync("/api/enterprises/export.csv");
        Assert.NotEqual(bytes, fresh);
        Assert.Equal(WithoutBasis(text), WithoutBasis(Encoding.UTF8.GetString(fresh[3..])));
    }

    /// <summary>An export without its last column, the entries' versions (no cell of this class's files holds a CRLF).</summary>
    private static string WithoutBasis(string export) => System.Text.RegularExpressions.Regex.Replace(export, ",[^,\"\r\n]*\r\n", "\r\n");

    /// <summary>
    /// An edit made after the export is not undone by importing that export: a line naming an older version of its
    /// entry refuses the whole file (as any bad line does); a line equal to the entry, a blank version cell or a line
    /// with the current version are imported.
    /// </summary>
    [Fact]
    public async Task A_line_of_an_export_older_than_its_entry_is_refused_and_nothing_is_written()
    {
        var officer = await _app.AsOfficerAsync();
        var a = (await FindAsync(SampleEnterprises.CreditCode(3)))!;
        var b = (await FindAsync(SampleEnterprises.CreditCode(4)))!;
        var basisA = a.RowVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var basisB = b.RowVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var header = "统一社会信用代码,企业名称,地址,版本（勿改）\r\n";

        // Someone edits b after the "export".
        var put = await officer.PutAsJsonAsync($"/api/enterprises/{b.Id}", new { name = b.Name, creditCode = b.CreditCode, isKey = b.IsKey, address = "他人改过的地址",
            contacts = b.Contacts.Select(c => new { name = c.Name, phone = c.Phone, email = c.Email, forNotices = c.ForNotices }) });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var csv = header + $"{a.CreditCode},{a.Name},导入的地址甲,{basisA}\r\n" + $"{b.CreditCode},{b.Name},导入的地址乙,{basisB}\r\n";
        var response = await ImportAsync(officer, Utf8(csv));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["line 3"], errors.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("版本（勿改）：", errors.GetProperty("line 3")[0].GetString());
        Assert.Equal(a.Address, (await FindAsync(a.CreditCode))!.Address);
        Assert.Equal("他人改过的地址", (await FindAsync(b.CreditCode))!.Address);

        // English headers name it too; a line equal to the entry as it is now passes even with the old version.
        var english = $"creditCode,name,address,basis\r\n{b.CreditCode},{b.Name},他人改过的地址,{basisB}\r\n{a.CreditCode},{a.Name},导入的地址甲,{basisA}\r\n";
        var ok = await ImportAsync(officer, Utf8(english));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var summary = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, 1), (summary.GetProperty("updated").GetInt32(), summary.GetProperty("unchanged").GetInt32()));
        Assert.Equal("导入的地址甲", (await FindAsync(a.CreditCode))!.Address);

        // A blank version cell: the file's value wins, as in a file without the column.
        var blank = await ImportAsync(officer, Utf8(header + $"{b.CreditCode},{b.Name},覆盖的地址乙,\r\n"));
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        Assert.Equal("覆盖的地址乙", (await FindAsync(b.CreditCode))!.Address);
    }

    [Fact]
    public async Task Too_large_a_file_is_413_too_many_rows_400_and_anonymous_callers_401()
    {
        var officer = await _app.AsOfficerAsync();
        var before = await CountAsync();

        var huge = await ImportAsync(officer, Utf8(Header + "\r\n" + new string('x', 2 * 1024 * 1024)));
        var rows = new StringBuilder(Header + "\r\n");
        for (var i = 0; i < 5_001; i++)
        {
            rows.Append(Code(1000 + i)).Append(",企业").Append(i).Append("\r\n");
        }

        var many = await ImportAsync(officer, Utf8(rows.ToString()));
        var manyProblem = await many.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
        Assert.Contains("5000", manyProblem.GetProperty("errors").GetProperty("file")[0].GetString());
        Assert.Equal(before, await CountAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Anonymous().GetAsync("/api/enterprises/export.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ImportAsync(_app.Anonymous(), Utf8(Header))).StatusCode);
    }
}
