using Liaison.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Liaison.Server.Tests.Browser;

/// <summary>The sign-in page in a real browser: the form, its cookie, the antiforgery token and the redirect back.</summary>
public sealed class SignInPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public Task Admin_signs_in_and_lands_on_the_return_url() => fixture.RunAsync(async page =>
    {
        var response = await page.GotoAsync("/account/login?returnUrl=/hangfire");
        Assert.Equal(200, response!.Status);

        await page.GetByLabel("邮箱").FillAsync(LiaisonApp.AdminEmail);
        await page.GetByLabel("密码").FillAsync(LiaisonApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();

        await BrowserFixture.ArriveAsync(page, url => url.AbsolutePath == "/hangfire");
        Assert.Contains("Liaison jobs", await page.TitleAsync());
        // The dashboard itself rendered (not an error page): its navigation is there.
        await Assertions.Expect(page.Locator("a.navbar-brand")).ToContainTextAsync("Liaison jobs");
    });

    [Fact]
    public Task Wrong_password_shows_the_error_in_the_chosen_language_and_stays_on_the_form() => fixture.RunAsync(async page =>
    {
        await page.GotoAsync("/account/login?returnUrl=/hangfire");

        await page.GetByLabel("邮箱").FillAsync(LiaisonApp.AdminEmail);
        await page.GetByLabel("密码").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();

        await Assertions.Expect(page.Locator("p.error")).ToHaveTextAsync("邮箱或密码错误");
        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);

        // The switch in the header turns the page into English, and it stays English.
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GetByLabel("Email").FillAsync(LiaisonApp.AdminEmail);
        await page.GetByLabel("Password").FillAsync("still-not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("p.error")).ToHaveTextAsync("Wrong email or password");
        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);
        // Still signed out: the dashboard sends the browser back to the form.
        await page.GotoAsync("/hangfire");
        Assert.Equal("/account/login", new Uri(page.Url).AbsolutePath);
    });
}
