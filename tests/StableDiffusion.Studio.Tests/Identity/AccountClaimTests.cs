using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Identity;

/// <summary>Signing up or in from an anonymous browser keeps its work; another account never sees it.</summary>
public sealed class AccountClaimTests : IDisposable
{
    private readonly StudioFactory studio = new();

    [Fact]
    public async Task SigningUpFromAnAnonymousBrowserMovesAllItsWorkToTheAccount()
    {
        var browser = await AccountClient.OpenAsync(studio);
        var anonymousId = await browser.UserIdAsync();
        var done = await studio.GenerateAsync(anonymousId, "anonymous lighthouse");
        var (comparison, _) = await studio.Services.GetRequiredService<ComparisonService>().CreateAsync(anonymousId,
            new ComparisonRequest(Settings.Valid("anonymous grid"), [1, 2, 3, 4], ComparisonKind.Seeds, []));
        var key = await studio.Services.GetRequiredService<ApiKeyService>().CreateAsync(anonymousId, "laptop");
        var defaults = studio.Services.GetRequiredService<IUserDefaults>();
        Assert.Empty(await defaults.SaveAsync(anonymousId, await defaults.GetAsync(anonymousId) with { Steps = 33 }));
        studio.Fake.Hold();
        var waiting = (await studio.Submission.SubmitAsync(anonymousId, Settings.Valid("still in the queue"))).Queued();

        await browser.SignUpOrFailAsync("ada@example.com");

        var accountId = await browser.UserIdAsync();
        Assert.NotEqual(anonymousId, accountId);
        await using (var db = await studio.OpenDatabaseAsync())
        {
            Assert.Equal(accountId, (await db.Users.SingleAsync()).Id);
            Assert.False(await db.Jobs.AnyAsync(j => j.OwnerId == anonymousId));
            Assert.False(await db.Images.AnyAsync(i => i.OwnerId == anonymousId));
            Assert.False(await db.Comparisons.AnyAsync(c => c.OwnerId == anonymousId));
            Assert.False(await db.Set<ApiKeyRecord>().AnyAsync(k => k.OwnerId == anonymousId));
            Assert.Equal(accountId, (await db.Comparisons.SingleAsync(c => c.Id == comparison!.Id)).OwnerId);
        }

        Assert.Equal(33, (await defaults.GetAsync(accountId)).Steps);
        Assert.Contains($"/images/{done.Images[0].Id}", await browser.Http.GetStringAsync("/gallery"));
        Assert.Equal(accountId, await studio.Services.GetRequiredService<ApiKeyService>().FindOwnerAsync(key.Key));

        // The job that was in the queue when the browser signed up finishes as the account's, images and all.
        studio.Fake.Release();
        var finished = await studio.WaitForFinishAsync(accountId, waiting.Id);
        Assert.Equal(JobStatus.Succeeded, finished.Status);
        Assert.All(finished.Images, image => Assert.Equal(accountId, image.OwnerId));
    }

    [Fact]
    public async Task SigningInOnASecondBrowserShowsTheAccountsWorkAndASecondAccountSeesNone()
    {
        var first = await AccountClient.OpenAsync(studio);
        var image = (await studio.GenerateAsync(await first.UserIdAsync(), "ada's lighthouse")).Images[0];
        await first.SignUpOrFailAsync("ada@example.com", "ada's long password");

        var phone = await AccountClient.OpenAsync(studio);
        Assert.DoesNotContain($"/images/{image.Id}", await phone.Http.GetStringAsync("/gallery"));
        Assert.Equal(HttpStatusCode.Redirect, (await phone.SignInAsync("ada@example.com", "ada's long password")).StatusCode);
        Assert.Contains($"/images/{image.Id}", await phone.Http.GetStringAsync("/gallery"));
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync($"/files/images/{image.Id}")).StatusCode);

        var other = await AccountClient.OpenAsync(studio);
        await other.SignUpOrFailAsync("bob@example.com");
        Assert.DoesNotContain($"/images/{image.Id}", await other.Http.GetStringAsync("/gallery"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/images/{image.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/files/images/{image.Id}")).StatusCode);
    }

    [Fact]
    public async Task SigningInFromABrowserWithWorkAddsItToTheExistingAccount()
    {
        var laptop = await AccountClient.OpenAsync(studio);
        await laptop.SignUpOrFailAsync("ada@example.com", "ada's long password");
        var phone = await AccountClient.OpenAsync(studio);
        var image = (await studio.GenerateAsync(await phone.UserIdAsync(), "made on the phone")).Images[0];

        Assert.Equal(HttpStatusCode.Redirect, (await phone.SignInAsync("ada@example.com", "ada's long password")).StatusCode);

        Assert.Contains($"/images/{image.Id}", await laptop.Http.GetStringAsync("/gallery"));
    }

    [Fact]
    public async Task SigningOutKeepsTheWorkWithTheAccountAndStartsAnEmptyAnonymousStudio()
    {
        var browser = await AccountClient.OpenAsync(studio);
        await browser.SignUpOrFailAsync("ada@example.com");
        var accountId = await browser.UserIdAsync();
        var image = (await studio.GenerateAsync(accountId, "ada's")).Images[0];

        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignOutAsync()).StatusCode);

        Assert.NotEqual(accountId, await browser.UserIdAsync());
        Assert.DoesNotContain($"/images/{image.Id}", await browser.Http.GetStringAsync("/gallery"));
        Assert.NotNull(await studio.Jobs.GetAsync(accountId, image.JobId));
    }

    [Fact]
    public async Task AWrongPasswordOrAnEmailInUseIsToldOnTheFormAndMovesNothing()
    {
        var ada = await AccountClient.OpenAsync(studio);
        await ada.SignUpOrFailAsync("ada@example.com", "ada's long password");
        var stranger = await AccountClient.OpenAsync(studio);
        var strangerId = await stranger.UserIdAsync();
        var image = (await studio.GenerateAsync(strangerId, "the stranger's")).Images[0];

        var wrong = await stranger.SignInAsync("ada@example.com", "not the password");
        var taken = await stranger.SignUpAsync("ADA@example.com", "another long password");
        var shortPassword = await stranger.SignUpAsync("new@example.com", "short");

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("No account has that email and password.", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("is already taken", await taken.Content.ReadAsStringAsync());
        Assert.Contains("at least 8 characters", await shortPassword.Content.ReadAsStringAsync());
        Assert.Equal(strangerId, await stranger.UserIdAsync());
        Assert.NotNull(await studio.Services.GetRequiredService<StableDiffusion.Studio.Library.ImageLibrary>().GetAsync(strangerId, image.Id));
    }

    [Fact]
    public async Task AKeyOfTheAnonymousBrowserActsAsTheAccountAfterSigningUp()
    {
        var browser = await AccountClient.OpenAsync(studio);
        var key = await studio.Services.GetRequiredService<ApiKeyService>().CreateAsync(await browser.UserIdAsync(), "script");
        await browser.SignUpOrFailAsync("ada@example.com");
        var accountId = await browser.UserIdAsync();
        var made = await studio.Services.GetRequiredService<ApiKeyService>().CreateAsync(accountId, "made while signed in");

        var script = studio.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Key);
        var created = await script.PostAsync("/api/v1/generations", new StringContent(
            """{"prompt":"from the script","steps":2,"width":64,"height":64,"model":"fake-model"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        await using var db = await studio.OpenDatabaseAsync();
        Assert.Equal(accountId, (await db.Jobs.SingleAsync(j => j.Prompt == "from the script")).OwnerId);
        Assert.Equal(accountId, await studio.Services.GetRequiredService<ApiKeyService>().FindOwnerAsync(key.Key));
    }

    public void Dispose() => studio.Dispose();
}
