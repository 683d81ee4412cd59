using StableDiffusion.Studio;
using StableDiffusion.Studio.Api;
using StableDiffusion.Studio.Components;
using StableDiffusion.Studio.Health;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Persistence;
using StableDiffusion.Studio.ScaleOut;
using StableDiffusion.Studio.Security;

// appsettings.json and wwwroot live at the repository root (or next to the published app).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = StudioContentRoot.Find() });
builder.AddStudioServices();
builder.AddStudioApi();

var app = builder.Build();
if (!app.Services.GetRequiredService<StudioRoles>().Web)
{
    // A worker serves nothing public: only its health, for the orchestrator.
    app.MapHealth();
    await app.PrepareStudioAsync();
    app.Run();
    return;
}

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStudioSecurityHeaders();
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseStudioApiErrors();
app.UseStaticFiles();
app.UseAuthentication();
app.UseStudioApi();
app.UseAnonymousIdentity();
app.UseRateLimiter();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapStudioEndpoints();
app.MapAccountEndpoints();
app.MapStudioApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = "'none'");

// Migrations, interrupted-job recovery and the temp-file sweep happen before the first request.
await app.PrepareStudioAsync();
await app.RunStudioAsync();
