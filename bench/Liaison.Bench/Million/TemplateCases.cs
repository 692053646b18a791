using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Liaison.Bench.Load;
using Liaison.Cases.Departments;
using Liaison.Cases.Sla;

namespace Liaison.Bench.Million;

/// <summary>The life a template case has been through when the generator reads it back: what the product wrote for it.</summary>
public enum Shape
{
    Dispatched,
    Accepted,
    InProgress,
    ExtensionPending,
    Returned,
    Resolved,
    Closed,
    ClosedExtended,
    ClosedReopened,
    ClosedReassigned,
    Cancelled,
}

/// <summary>
/// Writes the template cases through the real server, as officers and liaisons would: one case of each
/// <see cref="Shape"/> for each of the 29 sample departments, opened with <c>POST /api/cases</c>, moved on by the
/// liaison through the personal link in its mail (page, then form) and by the officer through the case API. The
/// generator clones what these left in the database.
/// </summary>
public static class TemplateCases
{
    /// <summary>The enterprise every template is opened for; each clone gets its own (<see cref="CaseTemplate.EnterpriseHole"/>).</summary>
    public const string EnterpriseName = "安岳示例柠檬科技有限公司";

    /// <summary>Writes every template; returns the number of each template case with its shape.</summary>
    public static async Task<List<(string Number, Shape Shape)>> WriteAsync(Uri server, string cs, string officerToken)
    {
        var departments = SampleDepartments.Create(DateTimeOffset.UnixEpoch).Select(d => d.Code).ToArray();
        var categories = CaseCategories.Defaults.Select(c => c.Code).ToArray();
        var jobs = (from d in Enumerable.Range(0, departments.Length)
                    from s in Enum.GetValues<Shape>()
                    select (Department: d, Shape: s)).ToList();
        var written = new List<(string, Shape)>();
        // Two clients: the server is the bottleneck, and a 2-core machine gains nothing from more.
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (job, _) =>
        {
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            {
                BaseAddress = server,
                Timeout = TimeSpan.FromSeconds(60),
            };
            browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", officerToken);
            var category = categories[(job.Department + (int)job.Shape) % categories.Length];
            var urgent = (job.Department + (int)job.Shape) % 7 == 0;
            var number = await WriteOneAsync(browser, cs, job.Shape, departments[job.Department], departments[(job.Department + 1) % departments.Length], category, urgent);
            lock (written)
            {
                written.Add((number, job.Shape));
            }
        });
        return written;
    }

    private static async Task<string> WriteOneAsync(HttpClient http, string cs, Shape shape, string department, string otherDepartment, string category, bool urgent)
    {
        var opened = await http.PostAsJsonAsync("/api/cases", new
        {
            title = $"{CaseTitles[(int)shape % CaseTitles.Length]}（{category}）",
            description = "百万事项模板：企业诉求的详细说明，含时间、地点与联系人。",
            category,
            priority = urgent ? "urgent" : "normal",
            departmentCode = department,
            enterprise = new { name = EnterpriseName, creditCode = "91350100M000100Y43", contact = "王经理 13800000000" },
        });
        await Expect(opened, HttpStatusCode.Created, "open");
        var number = (await opened.Content.ReadFromJsonAsync<JsonObject>())!["number"]!.GetValue<string>();

        async Task Liaison(string action, Dictionary<string, string>? fields = null)
        {
            var token = await MixedProfile.LinkTokenAsync(cs, number) ?? throw new InvalidOperationException($"{number}: no link in its mail");
            fields ??= [];
            fields["action"] = action;
            fields.TryAdd("note", $"模板：{action}");
            if (!await MixedProfile.ActThroughLinkAsync(http, token, fields))
            {
                throw new InvalidOperationException($"{number}: the link refused {action}");
            }
        }

        async Task Officer(string action, object body) =>
            await Expect(await http.PostAsJsonAsync($"/api/cases/{number}/{action}", body), HttpStatusCode.OK, action);

        switch (shape)
        {
            case Shape.Dispatched:
                break;
            case Shape.Accepted:
                await Liaison("accept");
                break;
            case Shape.InProgress:
                await Liaison("accept");
                await Liaison("progress");
                break;
            case Shape.ExtensionPending:
                await Liaison("accept");
                await Liaison("extension", new() { ["days"] = "5" });
                break;
            case Shape.Returned:
                await Liaison("return", new() { ["reasonCode"] = "needs-other-department" });
                break;
            case Shape.Resolved:
                await Liaison("accept");
                await Liaison("progress");
                await Liaison("resolve");
                break;
            case Shape.Closed:
                await Liaison("accept");
                await Liaison("progress");
                await Liaison("resolve");
                await Officer("confirm", new { note = "模板：确认" });
                break;
            case Shape.ClosedExtended:
                await Liaison("accept");
                await Liaison("extension", new() { ["days"] = "5" });
                await Officer("extension-decision", new { approve = true, note = "模板：同意延期" });
                await Liaison("resolve");
                await Officer("confirm", new { note = "模板：确认" });
                break;
            case Shape.ClosedReopened:
                await Liaison("accept");
                await Liaison("resolve");
                await Officer("reopen", new { note = "模板：企业仍不满意" });
                await Liaison("resolve");
                await Officer("confirm", new { note = "模板：确认" });
                break;
            case Shape.ClosedReassigned:
                await Liaison("return", new() { ["reasonCode"] = "not-our-remit" });
                await Officer("reassign", new { departmentCode = otherDepartment, note = "模板：改派" });
                await Liaison("accept");
                await Liaison("resolve");
                await Officer("confirm", new { note = "模板：确认" });
                break;
            case Shape.Cancelled:
                await Officer("cancel", new { note = "模板：企业撤回" });
                break;
        }

        return number;
    }

    private static readonly string[] CaseTitles =
    [
        "新厂房专线接电", "项目用地报批", "环评手续办理", "消防验收预约", "招工用工对接", "融资担保需求",
        "供水管网接入", "燃气开户报装", "施工许可办理", "税务登记变更", "历史遗留产权问题",
    ];

    private static async Task Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
