using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Liaison.Server.Tests.Infrastructure;

/// <summary>
/// One headless Chromium (Debian's, at /usr/bin/chromium, driven by Microsoft.Playwright's bundled driver) and one
/// Liaison server on a real Kestrel port, shared by the tests of a class (xunit class fixture). Each test gets a fresh
/// browser context (no cookies) through <see cref="RunAsync"/>, which keeps a screenshot, the page's HTML and its
/// console when the test fails. Nothing is ever downloaded: no <c>playwright install</c>, no bundled browser.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; <c>LIAISON_CHROMIUM</c> may name another build.</summary>
    public static string ChromiumPath => System.Environment.GetEnvironmentVariable("LIAISON_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public LiaisonApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>ROOT/TestFile/TestMethod/</c> under the system's temp folder.</summary>
    public static string ArtifactsRoot => Path.Combine(Path.GetTempPath(), "liaison-browser-tests");

    protected virtual bool WithSmtp => true;

    /// <summary>The server's environment; <c>Development</c> adds the dev mailbox.</summary>
    protected virtual string Environment => "Testing";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Not a skip: a browser test that does not run is a defect. CI installs it (.ci/run).
            throw new InvalidOperationException(
                $"Chromium not found at {ChromiumPath}. The browser tests drive Debian's Chromium: run `apt-get install chromium` " +
                "(as root; .ci/run does this on CI). Never `playwright install`: it downloads a browser, which this project does not do.");
        }

        var app = LiaisonApp.StartKestrelAsync(GetType().Name, WithSmtp, environment: Environment);
        var browser = LaunchAsync();
        try
        {
            App = await app;
            Browser = await browser;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task<IBrowser> LaunchAsync()
    {
        _playwright = await Playwright.CreateAsync();
        return await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--no-first-run",
            ],
        });
    }

    /// <summary>
    /// Runs <paramref name="test"/> on a new page in a fresh context whose relative URLs resolve against the server.
    /// On failure a full-page screenshot, the HTML and the browser console are saved and named in the thrown message.
    /// With <c>LIAISON_BROWSER_SCREENSHOTS=1</c> a screenshot is kept after a passing test too.
    /// </summary>
    public async Task RunAsync(
        Func<IPage, Task> test, [CallerMemberName] string testName = "", [CallerFilePath] string testFile = "")
    {
        var folder = Path.Combine(ArtifactsRoot, Path.GetFileNameWithoutExtension(testFile), testName);
        await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.Address.ToString(),
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, m) => { lock (console) { console.Add($"{m.Type}: {m.Text}"); } };
        page.PageError += (_, e) => { lock (console) { console.Add($"page error: {e}"); } };
        try
        {
            await test(page);
        }
        catch (Exception e)
        {
            var saved = await SaveAsync(page, folder, "failure");
            string log;
            lock (console)
            {
                log = console.Count == 0 ? "(empty)" : string.Join("\n    ", console);
            }

            throw new BrowserTestException(
                $"{e.GetType().Name}: {e.Message}\n  page: {SafeUrl(page)}\n  {saved}\n  browser console:\n    {log}", e);
        }

        if (System.Environment.GetEnvironmentVariable("LIAISON_BROWSER_SCREENSHOTS") is "1" or "true")
        {
            await SaveAsync(page, folder, "passed");
        }
    }

    /// <summary>
    /// The page fits a phone without horizontal scrolling, at 390 px and on the narrowest phones still sold (360 and
    /// 320 px): long words (an email address) wrap. Leaves the page at 390 × 844.
    /// </summary>
    public static async Task AssertFitsPhonesAsync(IPage page)
    {
        foreach (var width in new[] { 390, 360, 320 })
        {
            await page.SetViewportSizeAsync(width, 740);
            var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"{page.Url} is {scrollWidth} px wide on a {width} px phone");
        }

        await page.SetViewportSizeAsync(390, 844);
    }

    /// <summary>Signs in through the sign-in form (in Chinese, the default) and waits to land on <paramref name="returnUrl"/>.</summary>
    public static async Task SignInAsync(IPage page, string returnUrl, string email = LiaisonApp.AdminEmail, string password = LiaisonApp.AdminPassword)
    {
        await page.GotoAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await page.GetByLabel("邮箱").FillAsync(email);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await ArriveAsync(page, url => url.PathAndQuery == returnUrl);
    }

    /// <summary>
    /// Waits until <paramref name="page"/> is at an address <paramref name="at"/> accepts and that document has loaded.
    /// Not Playwright's own waits: on a busy CI machine its wait for a sign-in's redirect (a form's POST answered 302)
    /// hung with the page at the address and loaded, once for the load event and once for the commit, past 20 s. The
    /// page's address and its document's readyState are asked instead, until both say so.
    /// </summary>
    public static async Task ArriveAsync(IPage page, Func<Uri, bool> at)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(at(new Uri(page.Url)) && await LoadedAsync(page)))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException($"The page did not arrive within 20 s: it is at {page.Url}, its document {await ReadyStateAsync(page)}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<bool> LoadedAsync(IPage page) => await ReadyStateAsync(page) == "complete";

    private static async Task<string> ReadyStateAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>("() => document.readyState");
        }
        catch (PlaywrightException)
        {
            return "being replaced"; // a navigation destroyed the context the script ran in
        }
    }

    /// <summary>Saves a full-page screenshot (and the HTML) of <paramref name="page"/> into <paramref name="dir"/>; returns a line naming the files.</summary>
    public static async Task<string> SaveAsync(IPage page, string dir, string label)
    {
        Directory.CreateDirectory(dir);
        var png = Path.Combine(dir, $"{label}.png");
        var html = Path.Combine(dir, $"{label}.html");
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = png, FullPage = true, Timeout = 10_000 });
            await File.WriteAllTextAsync(html, await page.ContentAsync());
            return $"screenshot: {png}\n  html: {html}";
        }
        catch (Exception e)
        {
            return $"(no screenshot: {e.Message})";
        }
    }

    private static string SafeUrl(IPage page)
    {
        try
        {
            return page.Url;
        }
        catch (Exception)
        {
            return "(closed)";
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

/// <summary>A browser test's failure, with where its screenshot and the browser's console were saved.</summary>
public sealed class BrowserTestException(string message, Exception inner) : Exception(message, inner);
