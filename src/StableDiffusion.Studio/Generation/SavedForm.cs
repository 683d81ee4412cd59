using System.Text.Json;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Generation;

/// <summary>
/// The unsent form as the browser keeps it: every setting as JSON, without the init image and mask (pictures do
/// not belong in browser storage). A model that is gone when the form comes back is replaced by the current one.
/// </summary>
public static class SavedForm
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(GenerationSettings settings) =>
        JsonSerializer.Serialize(settings with { InitImage = null, Mask = null }, Json);

    /// <summary>
    /// <paramref name="current"/> with the saved settings in it; the init image and mask stay as they are, and so does the model
    /// when the saved one is not available. Unreadable text (an older format, a hand edit) gives <paramref name="current"/> unchanged.
    /// </summary>
    public static GenerationSettings Restore(string saved, GenerationSettings current, IReadOnlyList<ModelInfo> models)
    {
        GenerationSettings? restored;
        try
        {
            restored = JsonSerializer.Deserialize<GenerationSettings>(saved, Json);
        }
        catch (JsonException)
        {
            return current;
        }

        if (restored is null)
        {
            return current;
        }

        var model = models.Any(m => m.IsAvailable && m.Name == restored.Model) ? restored.Model : current.Model;
        // A VAE or text encoder that went away or does not fit the model is dropped: the model's own parts take over.
        var fitting = models.FirstOrDefault(m => m.Name == model)?.Components.Where(c => c.Fits).Select(c => (c.Name, c.Kind)).ToHashSet() ?? [];
        return restored with
        {
            Model = model,
            Vae = restored.Vae is { } vae && fitting.Contains((vae, ComponentKind.Vae)) ? vae : null,
            TextEncoder = restored.TextEncoder is { } text && fitting.Contains((text, ComponentKind.TextEncoder)) ? text : null,
            InitImage = current.InitImage,
            Mask = current.Mask,
        };
    }
}
