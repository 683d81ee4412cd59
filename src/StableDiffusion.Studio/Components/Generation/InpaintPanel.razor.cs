using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Components.Generation;

/// <summary>
/// The mask over the init image. The brush runs in the browser (wwwroot/mask-canvas.js); after each stroke the page
/// fetches the mask as a PNG stream (SignalR messages from the browser are capped far below a mask's size).
/// </summary>
public sealed partial class InpaintPanel : IAsyncDisposable
{
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IOptions<StudioOptions> Options { get; set; } = default!;

    /// <summary>Edited in place: its mask and inpainting settings. Shown only with an init image.</summary>
    [Parameter, EditorRequired]
    public GenerationSettings Settings { get; set; } = default!;

    [Parameter]
    public IReadOnlyDictionary<Setting, string> Errors { get; set; } = new Dictionary<Setting, string>();

    /// <summary>Called after the panel replaced the init image and size (outpainting), so the form shows them.</summary>
    [Parameter]
    public EventCallback OnCanvasExtended { get; set; }

    /// <summary>Whether the panel starts open ("Send to inpaint"); afterwards the switch decides.</summary>
    [Parameter]
    public bool StartOpen { get; set; }

    private static readonly (string Side, string Label)[] Sides = [("left", "Extend left"), ("right", "Extend right"), ("top", "Extend up"), ("bottom", "Extend down")];

    private ElementReference canvas;
    private int extendBy = 32;
    private IJSObjectReference? brush;
    private DotNetObjectReference<InpaintPanel>? self;
    private byte[]? attachedTo;
    private int brushSize = 8;
    private bool erasing;
    private bool? appliedStart;
    private string? uploadError;

    private bool Open { get; set; }

    protected override void OnParametersSet()
    {
        // At first, and whenever the page asks again (another "Send to"); otherwise the switch decides.
        if (appliedStart != StartOpen)
        {
            (Open, appliedStart) = (StartOpen || Settings.Mask is not null, StartOpen);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // A new init image gets a new, empty canvas of its size. Renders can overlap at each await: the image being
        // attached is claimed first, and an attachment another render has overtaken is let go.
        if (Open && RendererInfo.IsInteractive && Settings.InitImage is { } init && !ReferenceEquals(init, attachedTo))
        {
            await DetachAsync();
            attachedTo = init;
            var (width, height, _) = SafeImageDecoder.Identify(init);
            self ??= DotNetObjectReference.Create(this);
            var attached = await JS.InvokeAsync<IJSObjectReference>("studioMask.attach", canvas, self, width, height);
            if (!ReferenceEquals(attachedTo, init))
            {
                await ReleaseAsync(attached);
                return;
            }

            brush = attached;
            await attached.InvokeVoidAsync("setBrush", brushSize);
            if (Settings.Mask is { } mask)
            {
                await attached.InvokeVoidAsync("load", $"data:image/png;base64,{Convert.ToBase64String(mask)}");
            }
        }
    }

    [JSInvokable]
    public async Task OnMaskPainted()
    {
        if (brush is not { } current)
        {
            return;
        }

        await using var png = await current.InvokeAsync<IJSStreamReference>("exportPng");
        await using var stream = await png.OpenReadStreamAsync(Options.Value.MaxUploadBytes);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        Settings.Mask = buffer.ToArray();
        uploadError = null;
        StateHasChanged();
    }

    private string? Message(Setting setting) =>
        setting == Setting.Mask && uploadError is not null ? uploadError : Errors.GetValueOrDefault(setting);

    private async Task OnOpenChanged(bool open)
    {
        Open = open;
        if (!open)
        {
            // Closed, the job is plain img2img again.
            Settings.Mask = null;
            await DetachAsync();
        }
    }

    private async Task SetBrushAsync(int size)
    {
        brushSize = size;
        await (brush?.InvokeVoidAsync("setBrush", size) ?? ValueTask.CompletedTask);
    }

    private async Task SetEraserAsync(bool on)
    {
        erasing = on;
        await (brush?.InvokeVoidAsync("setEraser", on) ?? ValueTask.CompletedTask);
    }

    private async Task ClearAsync()
    {
        await (brush?.InvokeVoidAsync("clear") ?? ValueTask.CompletedTask);
        Settings.Mask = null;
    }

    private async Task InvertAsync()
    {
        if (brush is not null)
        {
            await brush.InvokeVoidAsync("invert");
            await OnMaskPainted();
        }
    }

    private async Task OnMaskChosen(InputFileChangeEventArgs e)
    {
        uploadError = null;
        var bytes = await SettingsForm.ReadUploadAsync(e.File, Options.Value.MaxUploadBytes);
        if (bytes is null)
        {
            uploadError = $"The file is larger than {SettingsForm.Readable(Options.Value.MaxUploadBytes)}, the most a mask may be.";
            return;
        }

        try
        {
            Settings.Mask = InpaintMask.ToGreyPng(bytes);
        }
        catch (InvalidImageException error)
        {
            uploadError = error.Message;
            return;
        }

        await (brush?.InvokeVoidAsync("load", $"data:image/png;base64,{Convert.ToBase64String(Settings.Mask)}") ?? ValueTask.CompletedTask);
    }

    /// <summary>
    /// The init image on a canvas <see cref="extendBy"/> pixels larger on one side, the new margin masked and started from
    /// the surrounding colours ("fill"), and the generation size following the canvas.
    /// </summary>
    private async Task ExtendAsync(string side)
    {
        var by = Math.Clamp(extendBy / GenerationLimits.SizeMultiple * GenerationLimits.SizeMultiple, GenerationLimits.SizeMultiple, 512);
        try
        {
            var (image, mask) = CanvasExtension.Extend(Settings.InitImage!, side == "left" ? by : 0, side == "top" ? by : 0, side == "right" ? by : 0, side == "bottom" ? by : 0);
            var (width, height, _) = SafeImageDecoder.Identify(image);
            (Settings.InitImage, Settings.Mask, Settings.InpaintingFill) = (image, mask, InpaintingFill.Fill);
            (Settings.Width, Settings.Height) = (width / GenerationLimits.SizeMultiple * GenerationLimits.SizeMultiple, height / GenerationLimits.SizeMultiple * GenerationLimits.SizeMultiple);
            uploadError = null;
        }
        catch (ArgumentException error)
        {
            uploadError = error.Message;
        }

        await OnCanvasExtended.InvokeAsync();
    }

    private async Task DetachAsync()
    {
        attachedTo = null;
        var old = brush;
        brush = null;
        await ReleaseAsync(old);
    }

    private static async Task ReleaseAsync(IJSObjectReference? handle)
    {
        if (handle is null)
        {
            return;
        }

        try
        {
            await handle.InvokeVoidAsync("dispose");
            await handle.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the canvas with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DetachAsync();
        self?.Dispose();
    }
}
