using StableDiffusion.Studio.Generation;

namespace StableDiffusion.Studio.Api;

/// <summary>
/// The generator's available models with the hashes A1111 clients show and select by, and the lookup of the model a
/// request names by title, name or hash (A1111's <c>sd_models.get_closet_checkpoint_match</c> accepts all three).
/// </summary>
public sealed class ApiModelCatalog(IImageGenerator generator)
{
    public IReadOnlyList<ApiModel> Available =>
        generator.Models.Where(m => m.IsAvailable).Select(m => new ApiModel(m, generator.HashOf(m.Name)?.Sha256)).ToList();

    /// <summary>The studio's default: the configured model when it is available, else the first that is.</summary>
    public ApiModel? Default => Available.FirstOrDefault();

    public ApiModel? Find(string? nameTitleOrHash)
    {
        var text = nameTitleOrHash?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var models = Available;
        return models.FirstOrDefault(m => m.Title == text)
               ?? models.FirstOrDefault(m => string.Equals(m.Name, text, StringComparison.OrdinalIgnoreCase))
               ?? models.FirstOrDefault(m => m.Hash is not null && (string.Equals(m.Hash, text, StringComparison.OrdinalIgnoreCase)
                                                                    || string.Equals(m.Sha256, text, StringComparison.OrdinalIgnoreCase)));
    }
}
