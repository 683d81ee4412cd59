using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using StableDiffusion.Inference.Hires;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Inference.Prompting;
using StableDiffusion.Studio.Generation;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Components.Generation;

public sealed partial class SettingsForm
{
    [Inject]
    private IImageGenerator Generator { get; set; } = default!;

    [Inject]
    private IOptions<StudioOptions> Options { get; set; } = default!;

    /// <summary>Edited in place; the parent owns it.</summary>
    [Parameter, EditorRequired]
    public GenerationSettings Settings { get; set; } = default!;

    /// <summary>Messages per setting, from <see cref="SettingsValidator"/> or the queue.</summary>
    [Parameter]
    public IReadOnlyDictionary<Setting, string> Errors { get; set; } = new Dictionary<Setting, string>();

    [Parameter]
    public long? LastSeed { get; set; }

    [Parameter]
    public bool ShowSeedAndBatch { get; set; } = true;

    [Parameter]
    public bool ShowInitImage { get; set; } = true;

    /// <summary>Open the inpainting panel over the init image at first ("Send to inpaint").</summary>
    [Parameter]
    public bool StartInpainting { get; set; }

    /// <summary>What the model draws and its example prompts above the prompt box (Create).</summary>
    [Parameter]
    public bool ShowModelGuide { get; set; }

    /// <summary>Where in the browser the unsent form is kept (<see cref="FormStorage"/>); null keeps nothing.</summary>
    [Parameter]
    public string? StorageKey { get; set; }

    /// <summary>Whether to save now: the parent says so once it has restored what was saved before.</summary>
    [Parameter]
    public bool Persist { get; set; }

    [Inject]
    private FormStorage Storage { get; set; } = default!;

    private string? lastSaved;

    private IReadOnlyList<ModelInfo> Models => Generator.Models;

    private ModelInfo? CurrentModel => Models.FirstOrDefault(m => m.Name == Settings.Model);

    /// <summary>The select's value for "From the model"; a folder cannot be named so.</summary>
    private const string FromTheModel = "";

    /// <summary>The VAE and text encoder selects, each shown once models/ holds a standalone part of that kind.</summary>
    private IEnumerable<(Setting Setting, ComponentKind Kind)> SwappableParts =>
        new[] { (Setting.Vae, ComponentKind.Vae), (Setting.TextEncoder, ComponentKind.TextEncoder) }
            .Where(part => CurrentModel?.Components.Any(c => c.Kind == part.Item2) == true || PartOf(part.Item1) is not null);

    private IEnumerable<string> FittingParts(ComponentKind kind) =>
        CurrentModel?.Components.Where(c => c.Kind == kind && c.Fits).Select(c => c.Name) ?? [];

    private string? PartOf(Setting setting) => setting == Setting.Vae ? Settings.Vae : Settings.TextEncoder;

    private void SetPart(Setting setting, string? value)
    {
        var part = string.IsNullOrEmpty(value) ? null : value;
        if (setting == Setting.Vae)
        {
            Settings.Vae = part;
        }
        else
        {
            Settings.TextEncoder = part;
        }
    }

    private static string PartName(string? value) => string.IsNullOrEmpty(value) ? "From the model" : value;

    /// <summary>The model's first example as a hint of the kind of prompt it understands.</summary>
    private string PromptPlaceholder => CurrentModel?.Card.Examples.FirstOrDefault() is { } example
        ? $"Describe the picture, e.g. {example}"
        : "Describe the picture you want";

    private string? SizeWarning => CurrentModel is { IsAvailable: true } model ? SizeAdvice.Warning(model.Defaults, Settings.Width, Settings.Height) : null;

    private int? tokenCount;
    private string? uploadError;

    /// <summary>Set only for a model whose UNet takes one 77-token chunk: past it, words really are ignored.</summary>
    private int? ModelTokenLimit => Models.FirstOrDefault(m => m.Name == Settings.Model)?.TokenLimit;

    private bool OverTokenLimit => tokenCount > ModelTokenLimit;

    /// <summary>A1111's "N/75", then "N/150"… as the prompt grows into more chunks.</summary>
    private int ChunkTokens => WeightedPrompt.TokenLimitFor(tokenCount ?? 0);

    private string TokenText => tokenCount is { } count
        ? OverTokenLimit ? $"{count}/{ChunkTokens} tokens: this model reads the first {ModelTokenLimit}, the words past them are ignored" : $"{count}/{ChunkTokens} tokens"
        : $"?/{ChunkTokens} tokens";

    private string TokenLabel => tokenCount is { } count
        ? OverTokenLimit
            ? $"Prompt tokens: {count} of {ChunkTokens}; this model reads the first {ModelTokenLimit}, the words past them are ignored"
            : $"Prompt tokens: {count} of {ChunkTokens}"
        : $"Prompt tokens: unknown";

    private bool showExtra;

    /// <summary>
    /// Bumped when the prompts change from outside the text boxes (other settings put in, an example chosen): the boxes
    /// are made anew, since a textarea the user has typed in can otherwise mix the old text into the new.
    /// </summary>
    private int textVersion;
    private GenerationSettings? shownSettings;

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(shownSettings, Settings))
        {
            shownSettings = Settings;
            textVersion++;
        }

        tokenCount = Generator.CountTokens(Settings.Model, Settings.Prompt, Settings.EmphasisMode);
        // Opened for a variation in use or a message about one; the user's own open/close is kept otherwise.
        showExtra |= Settings.VariationStrength != 0 || Has(Setting.VariationSeed) || Has(Setting.VariationStrength)
            || Settings.SeedResizeFromWidth != 0 || Settings.SeedResizeFromHeight != 0 || Has(Setting.SeedResizeFromWidth) || Has(Setting.SeedResizeFromHeight)
            || Settings.EmphasisMode != EmphasisMode.Original || Settings.PadPrompts;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Every edit re-renders the form, so this sees each change; only a real change goes to the browser.
        if (StorageKey is not null && Persist && RendererInfo.IsInteractive)
        {
            var json = SavedForm.Serialize(Settings);
            if (json != lastSaved)
            {
                lastSaved = json;
                await Storage.SaveAsync(StorageKey, Settings);
            }
        }
    }

    private void UseExample(string example)
    {
        Settings.Prompt = example;
        textVersion++;
        tokenCount = Generator.CountTokens(Settings.Model, Settings.Prompt, Settings.EmphasisMode);
    }

    private static string LabelOf(Setting setting) => SettingLabels.Of(setting);

    private static IReadOnlyList<HiresUpscaler> Upscalers => HiresUpscalers.All;

    /// <summary>A1111's "from 512x512 to 1024x1024" line under its hires fields; empty while the fields cannot say.</summary>
    private string HiresSizeText
    {
        get
        {
            try
            {
                var (width, height) = HiresFix.For(Settings).ImageSize;
                return $"From {Settings.Width}×{Settings.Height} to {width}×{height}";
            }
            catch (ArgumentException)
            {
                return "";
            }
        }
    }

    private bool Has(Setting setting) => Message(setting) is not null;

    private string? Message(Setting setting)
    {
        if (setting == Setting.InitImage && uploadError is not null)
        {
            return uploadError;
        }

        if (Errors.TryGetValue(setting, out var message))
        {
            return message;
        }

        // Said before sending: the prompt limit is the one a user can hit while typing.
        return setting == Setting.Prompt && Settings.Prompt.Length > GenerationLimits.MaxPromptLength
            ? $"The prompt is {Settings.Prompt.Length} characters; the limit is {GenerationLimits.MaxPromptLength}."
            : null;
    }

    private void OnPromptChanged(string value)
    {
        Settings.Prompt = value ?? "";
        tokenCount = Generator.CountTokens(Settings.Model, Settings.Prompt, Settings.EmphasisMode);
    }

    private void OnModelChanged(string model)
    {
        // A model's native size and its recommended settings (its defaults.json) replace the previous model's.
        if (Models.FirstOrDefault(m => m.Name == model) is { IsAvailable: true } info)
        {
            Settings.UseModel(info.Name, info.Defaults);
        }
        else
        {
            Settings.Model = model;
        }

        // A part chosen for the previous model stays only while it fits this one.
        var fitting = CurrentModel?.Components.Where(c => c.Fits).Select(c => (c.Name, c.Kind)).ToHashSet() ?? [];
        Settings.Vae = Settings.Vae is { } vae && fitting.Contains((vae, ComponentKind.Vae)) ? vae : null;
        Settings.TextEncoder = Settings.TextEncoder is { } text && fitting.Contains((text, ComponentKind.TextEncoder)) ? text : null;
        tokenCount = Generator.CountTokens(Settings.Model, Settings.Prompt, Settings.EmphasisMode);
    }

    private void OnEmphasisModeChanged(EmphasisMode mode)
    {
        // "None" reads brackets and BREAK as text, which changes the count.
        Settings.EmphasisMode = mode;
        tokenCount = Generator.CountTokens(Settings.Model, Settings.Prompt, Settings.EmphasisMode);
    }

    private async Task OnInitImageChosen(InputFileChangeEventArgs e)
    {
        uploadError = null;
        var bytes = await ReadUploadAsync(e.File, Options.Value.MaxUploadBytes);
        if (bytes is null)
        {
            uploadError = $"The file is larger than {Readable(Options.Value.MaxUploadBytes)}, the most an init image may be.";
            return;
        }

        var image = UploadedImageReader.TryRead(bytes, out var error);
        if (image is null)
        {
            uploadError = error;
            return;
        }

        Settings.InitImage = image.Png;
        // A mask painted over another picture means nothing on this one.
        Settings.Mask = null;
    }

    private void RemoveInitImage() => (Settings.InitImage, Settings.Mask) = (null, null);

    /// <summary>A byte count as people read it: whole division would call a 1.5 MB limit "1 MB", and one under 1 MB "0 MB".</summary>
    internal static string Readable(long bytes) => bytes >= 1024 * 1024
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB");

    /// <summary>The whole file, or null when it is larger than <paramref name="maxBytes"/> (checked by the browser stream itself).</summary>
    internal static async Task<byte[]?> ReadUploadAsync(IBrowserFile file, long maxBytes)
    {
        if (file.Size > maxBytes)
        {
            return null;
        }

        try
        {
            await using var stream = file.OpenReadStream(maxAllowedSize: maxBytes);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
