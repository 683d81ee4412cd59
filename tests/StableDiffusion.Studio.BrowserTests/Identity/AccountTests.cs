using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using StableDiffusion.Studio.BrowserTests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StableDiffusion.Studio.BrowserTests.Identity;

/// <summary>
/// Accounts as people use them: work made before signing up stays, shows on a second browser, never on another
/// account; the administrator's page; passkeys through Chromium's virtual authenticator.
/// </summary>
[Collection(StudioCollection.Name)]
public sealed class AccountTests(StudioFixture studio, ITestOutputHelper output)
{
    private const string Password = "a long enough password";

    [Fact]
    public Task AnImageMadeBeforeSigningUpStaysAndShowsOnASecondBrowserButNotToAnotherAccount() => studio.RunAsync(output, async () =>
    {
        const string prompt = "a blue square drawn before signing up";
        var email = UniqueEmail("ada");
        await using var laptop = await studio.OpenBrowserAsync("account-laptop");
        var imageId = await new CreatePage(laptop).GenerateAsync(prompt);

        await laptop.Page.GetByTestId("account-sign-in").ClickAsync();
        await laptop.Page.GetByRole(AriaRole.Link, new() { Name = "Create one" }).ClickAsync();
        await Expect(laptop.Page.GetByRole(AriaRole.Heading, new() { Name = "Create an account" })).ToBeVisibleAsync();
        await laptop.Page.GetByLabel("Email").FillAsync(email);
        await laptop.Page.GetByLabel("Password (8 characters or more)").FillAsync(Password);
        await laptop.ScreenshotAsync("sign up");
        await laptop.Page.GetByTestId("sign-up").ClickAsync();
        await laptop.WaitUntilInteractiveAsync();
        await Expect(laptop.Page.GetByTestId("account-email-shown")).ToHaveTextAsync(email);
        await laptop.OpenInteractiveAsync("/gallery");
        await Expect(laptop.Page.Locator($"a[href='/images/{imageId}']").First).ToBeVisibleAsync();
        await laptop.ScreenshotAsync("gallery after signing up");

        await using var phone = await studio.OpenBrowserAsync("account-phone");
        await SignInAsync(phone, email);
        await phone.OpenInteractiveAsync("/gallery");
        await Expect(phone.Page.Locator($"a[href='/images/{imageId}']").First).ToBeVisibleAsync();
        Assert.Equal(200, (await phone.FetchAsync(CreatePage.FileUrl(imageId))).Status);
        await phone.ScreenshotAsync("gallery on a second browser");

        await using var other = await studio.OpenBrowserAsync("account-other");
        await SignUpAsync(other, UniqueEmail("bob"));
        await other.OpenInteractiveAsync("/gallery");
        await Expect(other.Page.Locator($"a[href='/images/{imageId}']")).ToHaveCountAsync(0);
        Assert.Equal(404, (await other.FetchAsync(CreatePage.FileUrl(imageId))).Status);
        Assert.Equal(404, (await other.Page.GotoAsync($"/images/{imageId}"))?.Status);

        // Signing out leaves an empty anonymous studio; the work stays with the account.
        await phone.OpenInteractiveAsync("/");
        await phone.Page.GetByTestId("sign-out").ClickAsync();
        await Expect(phone.Page.GetByTestId("account-sign-in")).ToBeVisibleAsync();
        Assert.Equal(404, (await phone.FetchAsync(CreatePage.FileUrl(imageId))).Status);
        laptop.AssertNoPageProblems();
        phone.AssertNoPageProblems();
        other.AssertNoPageProblems();
    });

    [Fact]
    public Task TheAdministratorCancelsAnotherUsersWaitingJobAndDisablesTheirAccount() => studio.RunAsync(output, async () =>
    {
        await using var bob = await studio.OpenBrowserAsync("account-bob");
        var bobEmail = UniqueEmail("bob");
        await SignUpAsync(bob, bobEmail);
        var create = new CreatePage(bob);
        await create.OpenAsync();
        // The most steps and batches allowed, at 192², so the first job still runs while the second waits behind it.
        await create.Steps.FillAsync("150");
        await create.SetSizeAsync(192);
        await bob.Page.GetByLabel("Batch count", new() { Exact = true }).FillAsync("16");
        await create.Prompt.FillAsync("bob's first long job");
        await create.Generate.ClickAsync();
        await Expect(create.StepText).ToBeVisibleAsync();
        await create.Prompt.FillAsync("bob's waiting job");
        await Expect(create.Generate).ToBeEnabledAsync();
        // Create takes clicks within a second of a queued job for the same click (a double click makes one job);
        // a warm model starts the first job sooner than that.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await create.Generate.ClickAsync();
        await Expect(bob.Page.GetByTestId("queue-position")).ToBeVisibleAsync();

        await using var admin = await studio.OpenBrowserAsync("account-admin");
        await SignUpOrSignInAsync(admin, StudioServer.AdministratorEmail);
        // The page signing in lands on is still starting its circuit: a click then can be lost to it.
        await admin.WaitUntilInteractiveAsync();
        await admin.Page.GetByTestId("admin-link").ClickAsync();
        await Expect(admin.Page).ToHaveURLAsync(new Regex("/admin$"));
        await admin.WaitUntilInteractiveAsync();
        var waiting = admin.Page.GetByTestId("admin-job").Filter(new() { HasText = "bob's waiting job" });
        await Expect(waiting).ToContainTextAsync(bobEmail);
        await Expect(admin.Page.GetByTestId("admin-account").Filter(new() { HasText = bobEmail })).ToContainTextAsync("active");
        await admin.ScreenshotAsync("admin page");
        var axe = await admin.Page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));

        await waiting.GetByRole(AriaRole.Button, new() { Name = "Cancel bob's waiting job" }).ClickAsync();
        await Expect(admin.Page.GetByText("Job cancelled.")).ToBeVisibleAsync();
        await Expect(waiting).ToHaveCountAsync(0);
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = $"Disable {bobEmail}" }).ClickAsync();
        await Expect(admin.Page.GetByTestId("admin-account").Filter(new() { HasText = bobEmail })).ToContainTextAsync("disabled");
        // Bob's other job is the administrator's to stop too: the queue is everyone's page here.
        await admin.Page.GetByTestId("admin-job").Filter(new() { HasText = "bob's first long job" })
            .GetByRole(AriaRole.Button).ClickAsync();

        await using var bobAgain = await studio.OpenBrowserAsync("account-bob-again");
        await bobAgain.Page.GotoAsync("/account/signin");
        await bobAgain.Page.GetByLabel("Email").FillAsync(bobEmail);
        await bobAgain.Page.GetByLabel("Password").FillAsync(Password);
        await bobAgain.Page.GetByTestId("sign-in").ClickAsync();
        await Expect(bobAgain.Page.GetByTestId("account-error")).ToContainTextAsync("disabled");
        admin.AssertNoPageProblems();
    });

    [Fact]
    public Task APasskeySignsUpAndSignsInWithChromiumsVirtualAuthenticator() => studio.RunAsync(output, async () =>
    {
        // WebAuthn wants a domain, not an IP address, as the relying party: the same server under its name.
        var origin = $"http://localhost:{studio.Server.BaseAddress.Port}";
        var email = UniqueEmail("passkey");
        await using var user = await studio.OpenBrowserAsync("account-passkey");
        var cdp = await user.Context.NewCDPSessionAsync(user.Page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });

        await user.Page.GotoAsync($"{origin}/account/signup");
        await user.Page.GetByLabel("Email").FillAsync(email);
        await user.ScreenshotAsync("passkey sign up");
        await user.Page.GetByTestId("sign-up-passkey").ClickAsync();
        await Expect(user.Page.GetByTestId("account-email-shown")).ToHaveTextAsync(email);

        await user.Page.GetByTestId("sign-out").ClickAsync();
        await Expect(user.Page.GetByTestId("account-sign-in")).ToBeVisibleAsync();
        await user.Page.GotoAsync($"{origin}/account/signin");
        await user.Page.GetByTestId("sign-in-passkey").ClickAsync();
        await Expect(user.Page.GetByTestId("account-email-shown")).ToHaveTextAsync(email);
        await user.ScreenshotAsync("signed in with a passkey");
        user.AssertNoPageProblems();
    });

    private static string UniqueEmail(string name) => $"{name}-{Guid.NewGuid():N}@example.com";

    private static async Task SignUpAsync(BrowserUser user, string email)
    {
        await user.Page.GotoAsync("/account/signup");
        await user.Page.GetByLabel("Email").FillAsync(email);
        await user.Page.GetByLabel("Password (8 characters or more)").FillAsync(Password);
        await user.Page.GetByTestId("sign-up").ClickAsync();
        await Expect(user.Page.GetByTestId("account-email-shown")).ToHaveTextAsync(email);
    }

    private static async Task SignInAsync(BrowserUser user, string email)
    {
        await user.Page.GotoAsync("/account/signin");
        await user.Page.GetByLabel("Email").FillAsync(email);
        await user.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await user.Page.GetByTestId("sign-in").ClickAsync();
        await Expect(user.Page.GetByTestId("account-email-shown")).ToHaveTextAsync(email);
    }

    /// <summary>The administrator's account lives as long as the shared server: the first test to need it makes it.</summary>
    private static async Task SignUpOrSignInAsync(BrowserUser user, string email)
    {
        await user.Page.GotoAsync("/account/signup");
        await user.Page.GetByLabel("Email").FillAsync(email);
        await user.Page.GetByLabel("Password (8 characters or more)").FillAsync(Password);
        await user.Page.GetByTestId("sign-up").ClickAsync();
        if (await user.Page.GetByTestId("account-error").CountAsync() > 0)
        {
            await SignInAsync(user, email);
        }

        await Expect(user.Page.GetByTestId("account-email-shown")).ToHaveTextAsync(email);
    }
}
