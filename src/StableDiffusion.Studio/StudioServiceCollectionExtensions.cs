using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using StableDiffusion.Inference.Onnx;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Comparisons;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Hubs;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.Queue;
using StableDiffusion.Studio.ScaleOut;
using StableDiffusion.Studio.Search;
using StableDiffusion.Studio.Sharing;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio;

public static class StudioServiceCollectionExtensions
{
    public static WebApplicationBuilder AddStudioServices(this WebApplicationBuilder builder)
    {
        // Serves blazor.web.js and _content/MudBlazor from the build output outside Development too;
        // without it they answer 500 and the circuit never starts.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;

        services.AddOptions<StudioOptions>().BindConfiguration("Studio").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InferenceOptions>().BindConfiguration("Inference").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StudioPaths>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        AddIdentity(builder);
        services.AddShareRateLimit(builder.Configuration.GetValue("Studio:ShareRequestsPerMinute", new StudioOptions().ShareRequestsPerMinute));

        builder.AddStudioNode();
        services.AddSingleton<DatabaseWriter>();
        services.AddSingleton<IDataVolume, DataVolume>();
        services.AddSingleton<ImageFileStore>();
        services.AddSingleton<MissingImageFiles>();

        services.AddSingleton<IImageGenerator, OnnxImageGenerator>();
        services.AddSingleton<JobProgressFeed>();
        services.AddSingleton<IJobSubmission, JobSubmission>();
        services.AddSingleton<JobRetry>();
        services.AddSingleton<SubmitRateLimit>();
        services.AddSingleton<IJobQueries, JobQueries>();
        services.AddSingleton<QueueEstimates>();
        services.AddSingleton<IUserDefaults, UserDefaultsStore>();
        services.AddSingleton<HubProgressRelay>();
        services.AddSingleton<ImageLibrary>();
        services.AddSingleton<ClipModels>();
        services.AddSingleton<ImageSearch>();
        services.AddSingleton<ShareLinkService>();
        services.AddSingleton<ComparisonService>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<AuthenticationStateProvider, AccountRevalidation>();
        services.AddScoped<AccountSignIn>();
        services.AddSingleton<AnonymousWorkClaim>();
        services.AddSingleton<StudioAdministrators>();
        services.AddSingleton<AccountAdministration>();
        services.AddScoped<GenerationService>();
        services.AddScoped<Components.Generation.FormStorage>();
        services.AddScoped<ReconnectNotifier>();
        services.AddScoped<CircuitHandler>(provider => provider.GetRequiredService<ReconnectNotifier>());
        services.AddSingleton<OpenCircuits>();
        services.AddScoped<CircuitLimitHandler>();
        services.AddScoped<CircuitHandler>(provider => provider.GetRequiredService<CircuitLimitHandler>());
        return builder;
    }

    private static DirectoryInfo KeysDirectory(string dataDirectory)
    {
        var keys = StudioPaths.KeysDirectoryOf(dataDirectory);
        return OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(keys)
            : Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void AddIdentity(WebApplicationBuilder builder)
    {
        // Read before the container exists: data protection needs its key folder at registration.
        var dataDirectory = Path.GetFullPath(builder.Configuration["Studio:DataDirectory"] ?? "data", builder.Environment.ContentRootPath);
        builder.Services.AddDataProtection()
            .SetApplicationName("StableDiffusion.Studio")
            .PersistKeysToFileSystem(KeysDirectory(dataDirectory));
        // Linux has no machine key store to encrypt keys at rest with (DPAPI is Windows-only), so ASP.NET Core warns
        // "No XML encryptor configured" on every start. The folder is readable by the studio's user only instead,
        // and the ready message names it; the warning would give a newcomer nothing to act on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.Cookie.Name = StudioIdentity.CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = StudioIdentity.Lifetime;
            options.SlidingExpiration = true;
            // Nothing challenges a browser (Studio:RequireSignIn redirects before): anything that would answers as missing.
            options.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
            // An account's cookie is checked against its security stamp (disabled, signed out everywhere) every
            // interval; an anonymous browser's has no account to check.
            options.Events.OnValidatePrincipal = context =>
                context.Principal?.IsAccount() == true ? SecurityStampValidator.ValidatePrincipalAsync(context) : Task.CompletedTask;
        })
            // Identity keeps a passkey ceremony's state in this short-lived cookie between the options and the answer,
            // and clears the remember-me one when a stamp fails; the studio has no two-factor sign-in otherwise.
            .AddCookie(IdentityConstants.TwoFactorUserIdScheme, options =>
            {
                options.Cookie.Name = ".Studio.Passkey";
                options.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddCookie(IdentityConstants.TwoFactorRememberMeScheme, options => options.Cookie.Name = ".Studio.TwoFactor");
        AddAccounts(builder.Services);
    }

    /// <summary>ASP.NET Core Identity on the studio's database, signing in through the studio's own cookie.</summary>
    private static void AddAccounts(IServiceCollection services)
    {
        services.AddIdentityCore<StudioUser>(options =>
            {
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                options.User.RequireUniqueEmail = true;
                // The email is the user name: any character an email may hold.
                options.User.AllowedUserNameCharacters = "";
                // Length over composition rules (NIST SP 800-63B).
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddEntityFrameworkStores<StudioDbContext>()
            .AddSignInManager<StudioSignInManager>();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = AccountRevalidation.Interval);
        services.AddHttpContextAccessor();
    }
}
