using System.Text.Json;
using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using StableDiffusion.Inference.Pipeline;

namespace StableDiffusion.Inference.Clip;

/// <summary>
/// How an image becomes the vision tower's <c>pixel_values</c>, as transformers' CLIPImageProcessor does it: resize the
/// shortest edge (bicubic), centre-crop, scale to [0, 1], then (x − mean) / std per channel.
/// </summary>
/// <param name="ShortestEdge">The side the shorter edge is resized to.</param>
/// <param name="CropWidth">The width of the centre crop: the tower's input width.</param>
/// <param name="CropHeight">The height of the centre crop: the tower's input height.</param>
public sealed record ClipImageProcessing(int ShortestEdge, int CropWidth, int CropHeight, float[] Mean, float[] Std)
{
    /// <summary>The file transformers writes beside a CLIP model, read here for its size, mean and std.</summary>
    public const string FileName = "preprocessor_config.json";

    /// <summary>Reads <see cref="FileName"/>; <c>size</c> and <c>crop_size</c> may be a number or transformers' objects.</summary>
    public static ClipImageProcessing Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{Path.GetFileName(directory)} has no {FileName} (image size, mean and std).");
        }

        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) ?? throw new JsonException("empty file");
            var crop = json["crop_size"] ?? json["size"] ?? throw new JsonException("no crop_size or size");
            var (cropWidth, cropHeight) = crop is JsonValue ? (crop.GetValue<int>(), crop.GetValue<int>()) : (crop["width"]!.GetValue<int>(), crop["height"]!.GetValue<int>());
            var size = json["size"];
            var shortest = size switch
            {
                null => Math.Min(cropWidth, cropHeight),
                JsonValue value => value.GetValue<int>(),
                _ => size["shortest_edge"]?.GetValue<int>() ?? Math.Min(cropWidth, cropHeight),
            };
            var mean = Channels(json, "image_mean");
            var std = Channels(json, "image_std");
            if (cropWidth <= 0 || cropHeight <= 0 || shortest <= 0 || std.Any(s => s <= 0))
            {
                throw new JsonException("sizes and std must be positive");
            }

            return new ClipImageProcessing(shortest, cropWidth, cropHeight, mean, std);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new ModelLoadException($"{Path.GetFileName(directory)}/{FileName} cannot be read: {error.Message}", error);
        }
    }

    /// <summary>The image as [3, CropHeight, CropWidth] floats, channel-first.</summary>
    public float[] ToPixelValues(Image<Rgb24> image)
    {
        var scale = (double)ShortestEdge / Math.Min(image.Width, image.Height);
        var width = Math.Max(CropWidth, (int)Math.Round(image.Width * scale));
        var height = Math.Max(CropHeight, (int)Math.Round(image.Height * scale));
        using var resized = image.Clone(context => context
            .Resize(width, height, KnownResamplers.Bicubic)
            .Crop(new Rectangle((width - CropWidth) / 2, (height - CropHeight) / 2, CropWidth, CropHeight)));

        var plane = CropWidth * CropHeight;
        var pixels = new Rgb24[plane];
        resized.CopyPixelDataTo(pixels);
        var values = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            values[i] = (pixels[i].R / 255f - Mean[0]) / Std[0];
            values[plane + i] = (pixels[i].G / 255f - Mean[1]) / Std[1];
            values[2 * plane + i] = (pixels[i].B / 255f - Mean[2]) / Std[2];
        }

        return values;
    }

    private static float[] Channels(JsonNode json, string key)
    {
        var values = json[key]?.AsArray().Select(v => v!.GetValue<float>()).ToArray() ?? throw new JsonException($"no {key}");
        return values.Length == 3 ? values : throw new JsonException($"{key} needs 3 values, one per channel; it has {values.Length}");
    }
}
