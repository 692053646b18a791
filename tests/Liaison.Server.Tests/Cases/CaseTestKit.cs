using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Liaison.Server.Tests.Infrastructure;
using MimeKit;

namespace Liaison.Server.Tests.Cases;

/// <summary>Helpers for case tests: open a case, read the mail a person got, act through a link's page.</summary>
public static partial class CaseTestKit
{
    /// <summary>A valid unified social credit code (check character per GB 32100-2015).</summary>
    public const string CreditCode = "91350100M000100Y43";

    public static object NewCase(string department = "fgj", string category = "factor-guarantee", string title = "项目用电报装") => new
    {
        title,
        description = "企业新厂房需要 10kV 专线接入。",
        category,
        priority = "normal",
        departmentCode = department,
        enterprise = new { name = "安岳示例柠檬科技有限公司", creditCode = CreditCode, contact = "王经理 13800000000" },
    };

    public static async Task<JsonElement> OpenAsync(HttpClient officer, object? body = null)
    {
        var response = await officer.PostAsJsonAsync("/api/cases", body ?? NewCase());
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    public static async Task<JsonElement> GetCaseAsync(HttpClient officer, string number) =>
        await officer.GetFromJsonAsync<JsonElement>($"/api/cases/{number}");

    /// <summary>Relays the outbox and returns the mails (so far) to <paramref name="to"/> whose subject contains <paramref name="subjectPart"/>.</summary>
    public static async Task<List<MimeMessage>> MailsAsync(LiaisonApp app, string to, string? subjectPart = null)
    {
        await app.RelayMailAsync();
        return app.Smtp!.Received
            .Where(m => m.To.Mailboxes.Any(b => b.Address == to) && (subjectPart is null || m.Subject!.Contains(subjectPart)))
            .ToList();
    }

    public static string LinkIn(MimeMessage mail) =>
        LinkPattern().Match(mail.TextBody ?? "").Value is { Length: > 0 } link ? link : throw new InvalidOperationException("No link in: " + mail.TextBody);

    /// <summary>The path part of a link, for the in-process client.</summary>
    public static string PathOf(string link) => new Uri(link).PathAndQuery;

    /// <summary>Fills the page's form for <paramref name="action"/> (its antiforgery token and request id) and posts it.</summary>
    public static async Task<HttpResponseMessage> PostActionAsync(HttpClient browser, string path, string action, Dictionary<string, string>? fields = null)
    {
        var page = await browser.GetStringAsync(path);
        var form = FormFor(page, action) ?? throw new InvalidOperationException($"No '{action}' form on the page:\n{page}");
        var values = new Dictionary<string, string>(form);
        foreach (var (k, v) in fields ?? [])
        {
            values[k] = v;
        }

        return await browser.PostAsync(path, new FormUrlEncodedContent(values));
    }

    /// <summary>The hidden inputs of the form for <paramref name="action"/>, or null when the page offers no such action.</summary>
    public static Dictionary<string, string>? FormFor(string page, string action)
    {
        var m = Regex.Match(page, $"<form method=\"post\"[^>]* data-action=\"{Regex.Escape(action)}\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        if (!m.Success)
        {
            return null;
        }

        return HiddenPattern().Matches(m.Groups[1].Value).ToDictionary(h => WebUtility.HtmlDecode(h.Groups[1].Value), h => WebUtility.HtmlDecode(h.Groups[2].Value));
    }

    /// <summary>The antiforgery token of the first form on <paramref name="page"/>.</summary>
    public static string TokenIn(string page) =>
        WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value) is { Length: > 0 } token ? token : throw new InvalidOperationException("No antiforgery token in:\n" + page);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"https://liaison\.test\.example/l/[A-Za-z0-9_-]{43}")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"\\s*/?>")]
    private static partial Regex HiddenPattern();
}
