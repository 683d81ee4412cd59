using System.Text.Json;
using System.Text.Json.Nodes;
using StableDiffusion.Inference.Imaging;
using StableDiffusion.Inference.Inpainting;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// The inpainting fields of A1111's <c>/sdapi/v1/img2img</c> body (modules/api/models.py from
/// StableDiffusionProcessingImg2Img): <c>mask</c>, <c>mask_blur</c> (or <c>mask_blur_x</c>), <c>inpainting_fill</c> 0–3,
/// <c>inpaint_full_res</c>, <c>inpaint_full_res_padding</c>, <c>inpainting_mask_invert</c>. A missing field takes A1111's
/// API default, which is not its UI's: fill, only masked, padding 0. Pydantic reads 0/1 as booleans and
/// booleans as 0/1, and clients send either.
/// </summary>
public static class A1111InpaintingFields
{
    public static IReadOnlyList<string> Names { get; } =
        ["mask", "mask_blur", "mask_blur_x", "mask_blur_y", "inpainting_fill", "inpaint_full_res", "inpaint_full_res_padding", "inpainting_mask_invert"];

    private static readonly HashSet<string> InfotextKeys = ["Mask mode", "Mask blur", "Inpaint area", "Masked area padding", "Masked content"];

    public static GenerationSettings Read(JsonObject body, GenerationSettings settings, Dictionary<string, string> errors)
    {
        byte[]? mask = null;
        // null or "" is how clients say "no mask".
        if (body["mask"] is { } node && node.GetValueKind() != JsonValueKind.Null && !(node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Length == 0))
        {
            if (node.GetValueKind() != JsonValueKind.String || !Base64Image.TryDecode(node.GetValue<string>(), out mask))
            {
                errors["mask"] = "mask must be one base64 PNG, JPEG or WebP (or a data: URI).";
            }
        }

        var fill = A1111RequestReader.ReadInt(body, "inpainting_fill", errors) ?? (int)InpaintingFill.Fill;
        if (!Enum.IsDefined((InpaintingFill)fill))
        {
            errors["inpainting_fill"] = "inpainting_fill must be 0 (fill), 1 (original), 2 (latent noise) or 3 (latent nothing).";
        }

        return settings with
        {
            Mask = mask,
            MaskBlur = A1111RequestReader.ReadInt(body, "mask_blur", errors) ?? A1111RequestReader.ReadInt(body, "mask_blur_x", errors) ?? 4,
            InpaintingFill = (InpaintingFill)fill,
            InvertMask = ReadFlag(body, "inpainting_mask_invert", errors) ?? false,
            InpaintFullRes = ReadFlag(body, "inpaint_full_res", errors) ?? true,
            InpaintFullResPadding = A1111RequestReader.ReadInt(body, "inpaint_full_res_padding", errors) ?? 0,
        };
    }

    /// <summary>What A1111 puts in <c>extra_generation_params</c> for an inpainting job: its infotext keys, numbers as numbers.</summary>
    public static JsonObject ExtraGenerationParams(GenerationSettings settings)
    {
        var infotext = InfotextMapping.ToInfotext(settings with { InitImage = settings.InitImage ?? [], Mask = settings.Mask ?? [] }, null, null);
        var extra = new JsonObject();
        foreach (var (key, value) in infotext.Extra.Where(pair => InfotextKeys.Contains(pair.Key)))
        {
            extra[key] = int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : value;
        }

        return extra;
    }

    private static bool? ReadFlag(JsonObject body, string field, Dictionary<string, string> errors) =>
        body[field]?.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? A1111RequestReader.ReadBool(body, field, errors)
            : A1111RequestReader.ReadInt(body, field, errors) is { } number ? number != 0 : null;
}
