using System.Globalization;
using Microsoft.JSInterop;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Components.Generation;

/// <summary>
/// A form's unsent settings in the browser's localStorage (form-storage.js), so a reload, a server restart or a
/// dropped connection loses nothing; and when Create's results were last cleared. A browser that refuses storage, or
/// a circuit already gone, just keeps nothing.
/// </summary>
public sealed class FormStorage(IJSRuntime js)
{
    /// <summary>Create's form: one for every model, as the form itself is.</summary>
    public const string CreateKey = "studio.create.form";

    private const string ClearedAtKey = "studio.create.results-cleared-at";

    public async Task<string?> LoadAsync(string key) => await TryAsync(() => js.InvokeAsync<string?>("studioStorage.load", key).AsTask());

    public async Task SaveAsync(string key, GenerationSettings settings) =>
        await TryAsync(async () =>
        {
            await js.InvokeVoidAsync("studioStorage.save", key, SavedForm.Serialize(settings));
            return "";
        });

    public async Task<DateTime?> LoadClearedAtAsync() =>
        await LoadAsync(ClearedAtKey) is { } text && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    public async Task SaveClearedAtAsync(DateTime at) =>
        await TryAsync(async () =>
        {
            await js.InvokeVoidAsync("studioStorage.saveText", ClearedAtKey, at.ToString("O", CultureInfo.InvariantCulture));
            return "";
        });

    private static async Task<string?> TryAsync(Func<Task<string?>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception error) when (error is JSDisconnectedException or JSException or TaskCanceledException or InvalidOperationException)
        {
            return null;
        }
    }
}
