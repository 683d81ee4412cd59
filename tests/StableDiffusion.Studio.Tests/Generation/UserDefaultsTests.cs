using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Generation;

public sealed class UserDefaultsTests
{
    [Fact]
    public async Task ANewPromptStartsFromTheUsersSavedDefaultsAndFromTheModelsAfterAReset()
    {
        using var studio = new StudioFactory();
        var defaults = studio.Services.GetRequiredService<IUserDefaults>();
        await using var scope = studio.Services.CreateAsyncScope();
        var authentication = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        authentication.SetAuthenticationState(Task.FromResult(new AuthenticationState(StudioIdentity.CreatePrincipal("alice"))));
        var generation = scope.ServiceProvider.GetRequiredService<GenerationService>();
        var model = generation.NewSettings();

        var errors = await defaults.SaveAsync("alice", new UserDefaults(12, 4.5, "euler-a", 96, 128));
        var saved = await generation.NewSettingsAsync();
        await defaults.ResetAsync("alice");
        var reset = await generation.NewSettingsAsync();

        Assert.Empty(errors);
        Assert.Equal((12, 4.5, "euler-a", 96, 128), (saved.Steps, saved.GuidanceScale, saved.Scheduler, saved.Width, saved.Height));
        Assert.Equal(model.Model, saved.Model);
        Assert.Equal((model.Steps, model.Scheduler, model.Width), (reset.Steps, reset.Scheduler, reset.Width));
    }

    [Fact]
    public async Task DefaultsThatCouldNotGenerateAreRefusedWithTheSameMessagesAsAJob()
    {
        using var studio = new StudioFactory();
        var defaults = studio.Services.GetRequiredService<IUserDefaults>();

        var errors = await defaults.SaveAsync("alice", new UserDefaults(0, 7, "no-such-sampler", 64, 64));

        Assert.Equal([Setting.Steps, Setting.Scheduler], errors.Keys.Order());
        Assert.Equal(UserDefaults.Of(studio.Services.GetRequiredService<IImageGenerator>().Models[0] is var m
            ? StableDiffusion.Inference.Pipeline.GenerationSettings.ForModel(m.Name, m.Defaults) : new()), await defaults.GetAsync("alice"));
    }
}
