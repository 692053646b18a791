using Liaison.Server.Cases;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Liaison.Server.Tests.Cases;

/// <summary>
/// A co-handler's attachments as the lead's link page and the officer's page show them: each http(s) address in a line
/// is a link that opens on its own, the words around it and anything else stay text.
/// </summary>
public sealed class AttachmentListTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task An_address_inside_a_sentence_is_a_link_without_the_punctuation_after_it()
    {
        var html = await RenderAsync("许可证见https://files.example/permit.pdf。现场照片另附，详见 http://photos.example/a?b=1&c=2，谢谢");

        Assert.Equal(
            "<li class=\"wrap\">许可证见<a href=\"https://files.example/permit.pdf\" target=\"_blank\" rel=\"noopener noreferrer\">https://files.example/permit.pdf</a>"
            + "。现场照片另附，详见 <a href=\"http://photos.example/a?b=1&amp;c=2\" target=\"_blank\" rel=\"noopener noreferrer\">http://photos.example/a?b=1&amp;c=2</a>，谢谢</li>",
            Item(html));
    }

    [Fact]
    public async Task Ascii_punctuation_and_an_unopened_bracket_after_an_address_stay_text()
    {
        var html = await RenderAsync("(see https://files.example/permit.pdf). Also https://en.wikipedia.org/wiki/Permit_(law), and https://files.example/x!");

        Assert.Equal(
            "<li class=\"wrap\">(see <a href=\"https://files.example/permit.pdf\" target=\"_blank\" rel=\"noopener noreferrer\">https://files.example/permit.pdf</a>). "
            + "Also <a href=\"https://en.wikipedia.org/wiki/Permit_(law)\" target=\"_blank\" rel=\"noopener noreferrer\">https://en.wikipedia.org/wiki/Permit_(law)</a>, "
            + "and <a href=\"https://files.example/x\" target=\"_blank\" rel=\"noopener noreferrer\">https://files.example/x</a>!</li>",
            Item(html));
    }

    [Fact]
    public async Task Markup_and_other_schemes_in_the_text_stay_text()
    {
        var html = await RenderAsync("<b>见</b> javascript:alert(1) https://x.example/\"><script>alert(1)</script> data:text/html,hi ftp://files.example/a https://");

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("href=\"javascript:", html);
        Assert.DoesNotContain("href=\"data:", html);
        Assert.DoesNotContain("href=\"ftp:", html);
        // The one web address is linked up to the quote that would have closed its attribute.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<a "));
        Assert.Contains("<a href=\"https://x.example/\" target=\"_blank\" rel=\"noopener noreferrer\">https://x.example/</a>&quot;&gt;&lt;script&gt;", html);
    }

    [Fact]
    public async Task Each_line_is_an_item_and_a_line_of_only_an_address_is_only_a_link()
    {
        var html = await RenderAsync("https://files.example/permit.pdf\r\n\n现场照片.jpg\n");

        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "<li ").Count);
        Assert.Contains("<li class=\"wrap\"><a href=\"https://files.example/permit.pdf\" target=\"_blank\" rel=\"noopener noreferrer\">https://files.example/permit.pdf</a></li>", html);
        Assert.Contains("<li class=\"wrap\">现场照片.jpg</li>", html);
    }

    private static string Item(string html)
    {
        var start = html.IndexOf("<li", StringComparison.Ordinal);
        return html[start..(html.IndexOf("</li>", start, StringComparison.Ordinal) + "</li>".Length)];
    }

    private async Task<string> RenderAsync(string text)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<AttachmentList>(ParameterView.FromDictionary(new Dictionary<string, object?> { ["Text"] = text }))).ToHtmlString());
    }
}
