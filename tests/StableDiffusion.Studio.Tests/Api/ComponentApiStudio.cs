using Microsoft.AspNetCore.Hosting;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Api;

/// <summary>
/// The API harness on a models folder of its own: the embedded model, its shipped second VAE and text encoder, and
/// the fixture VAE of 8 latent channels that fits nothing here.
/// </summary>
public sealed class ComponentApiStudio : ApiStudio
{
    public const string Model = "tiny-shapes";
    public const string SharpVae = "tiny-shapes-vae-sharp";
    public const string SeedOneTextEncoder = "tiny-shapes-text-encoder-seed1";
    public const string EightChannelVae = "vae-8-latent-channels";

    private readonly string modelsDirectory;

    public ComponentApiStudio()
        : this(Directory.CreateTempSubdirectory("component-models-").FullName)
    {
    }

    private ComponentApiStudio(string modelsDirectory)
        : base(realModels: true, maxQueuedJobsPerUser: 10, configure: builder => builder.UseSetting("Inference:ModelsDirectory", Fill(modelsDirectory))) =>
        this.modelsDirectory = modelsDirectory;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(modelsDirectory, recursive: true);
    }

    private static string Fill(string directory)
    {
        var root = StudioFactory.RepositoryRoot;
        foreach (var name in new[] { Model, SharpVae, SeedOneTextEncoder })
        {
            ModelFolders.Copy(Path.Combine(root, "models", name), Path.Combine(directory, name));
        }

        ModelFolders.Copy(Path.Combine(root, "tests", "fixtures", "components", EightChannelVae), Path.Combine(directory, EightChannelVae));
        return directory;
    }
}
