using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Identity;

/// <summary>The first account (or the configured one) administers: the whole queue, cancelling any job, disabling accounts.</summary>
public sealed class AdministrationTests : IDisposable
{
    // Cookies are checked against the security stamp on every request here, instead of once a minute.
    private readonly StudioFactory studio = new()
    {
        TestServices = services => services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero),
    };

    private StudioAdministrators Administrators => studio.Services.GetRequiredService<StudioAdministrators>();

    private AccountAdministration Administration => studio.Services.GetRequiredService<AccountAdministration>();

    [Fact]
    public async Task TheFirstAccountAdministersAndTheSecondDoesNot()
    {
        var first = await AccountClient.OpenAsync(studio);
        await first.SignUpOrFailAsync("first@example.com");
        var second = await AccountClient.OpenAsync(studio);
        await second.SignUpOrFailAsync("second@example.com");

        Assert.True(await Administrators.IsAdministratorAsync(await first.UserIdAsync()));
        Assert.False(await Administrators.IsAdministratorAsync(await second.UserIdAsync()));
        var adminPage = await first.Http.GetStringAsync("/admin");
        Assert.Contains("admin-accounts", adminPage);
        Assert.Contains("second@example.com", adminPage);
        var refused = await second.Http.GetStringAsync("/admin");
        Assert.Contains("not-administrator", refused);
        Assert.DoesNotContain("first@example.com", refused);
    }

    [Fact]
    public async Task TheConfiguredAdministratorEmailWinsOverTheFirstAccount()
    {
        using var configured = new StudioFactory { Configuration = new Dictionary<string, string> { ["Studio:AdministratorEmail"] = "Boss@Example.com" } };
        var first = await AccountClient.OpenAsync(configured);
        await first.SignUpOrFailAsync("first@example.com");
        var boss = await AccountClient.OpenAsync(configured);
        await boss.SignUpOrFailAsync("boss@example.com");

        var administrators = configured.Services.GetRequiredService<StudioAdministrators>();
        Assert.False(await administrators.IsAdministratorAsync(await first.UserIdAsync()));
        Assert.True(await administrators.IsAdministratorAsync(await boss.UserIdAsync()));
    }

    [Fact]
    public async Task TheAdministratorSeesEveryonesJobsAndCancelsAnotherUsersJob()
    {
        studio.Fake.Hold();
        var running = (await studio.Submission.SubmitAsync("someone", Settings.Valid("someone's first"))).Queued();
        var waiting = (await studio.Submission.SubmitAsync("someone", Settings.Valid("someone's second"))).Queued();

        var jobs = await Administration.ActiveJobsAsync();
        Assert.Equal(new[] { running.Id, waiting.Id }, jobs.Select(j => j.Id));
        Assert.True(await Administration.CancelAsync(waiting.Id));
        Assert.True(await Administration.CancelAsync(running.Id));
        studio.Fake.Release();

        Assert.Equal(JobStatus.Cancelled, (await studio.WaitForFinishAsync("someone", waiting.Id)).Status);
        Assert.Equal(JobStatus.Cancelled, (await studio.WaitForFinishAsync("someone", running.Id)).Status);
        Assert.False(await Administration.CancelAsync(waiting.Id));
    }

    [Fact]
    public async Task ADisabledAccountCannotSignInAndItsCookiesKeysAndCircuitsStopWorking()
    {
        var admin = await AccountClient.OpenAsync(studio);
        await admin.SignUpOrFailAsync("admin@example.com");
        var ada = await AccountClient.OpenAsync(studio);
        await ada.SignUpOrFailAsync("ada@example.com", "ada's long password");
        var adaId = await ada.UserIdAsync();
        var image = (await studio.GenerateAsync(adaId, "ada's lighthouse")).Images[0];
        var key = await studio.Services.GetRequiredService<ApiKeyService>().CreateAsync(adaId, "script");
        var script = studio.CreateClient();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        var principal = await PrincipalOfAsync(adaId);
        var revalidation = ActivatorUtilities.CreateInstance<AccountRevalidation>(studio.Services);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/v1/generations")).StatusCode);
        Assert.True(await revalidation.IsStillValidAsync(principal));

        Assert.True(await Administration.SetDisabledAsync(adaId, disabled: true));

        Assert.False(await revalidation.IsStillValidAsync(principal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/v1/generations")).StatusCode);
        Assert.DoesNotContain($"/images/{image.Id}", await ada.Http.GetStringAsync("/gallery"));
        Assert.NotEqual(adaId, await ada.UserIdAsync());
        var again = await ada.SignInAsync("ada@example.com", "ada's long password");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains(AccountSignIn.DisabledError.Replace("'", "&#x27;"), await again.Content.ReadAsStringAsync());
        Assert.Contains("disabled", (await admin.Http.GetStringAsync("/admin")));

        Assert.True(await Administration.SetDisabledAsync(adaId, disabled: false));
        Assert.Equal(HttpStatusCode.Redirect, (await ada.SignInAsync("ada@example.com", "ada's long password")).StatusCode);
        Assert.Contains($"/images/{image.Id}", await ada.Http.GetStringAsync("/gallery"));
    }

    private async Task<System.Security.Claims.ClaimsPrincipal> PrincipalOfAsync(string userId)
    {
        await using var scope = studio.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<StudioUser>>();
        return await factory.CreateAsync((await users.FindByIdAsync(userId))!);
    }

    public void Dispose() => studio.Dispose();
}
