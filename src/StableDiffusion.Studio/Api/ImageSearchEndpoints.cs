using Microsoft.AspNetCore.Http.HttpResults;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Search;

namespace StableDiffusion.Studio.Api;

/// <summary><c>GET /api/v1/images/search?q=text</c> or <c>?like=imageId</c>: the caller's images ranked by CLIP similarity.</summary>
public static class ImageSearchEndpoints
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    public static RouteGroupBuilder MapImageSearch(this RouteGroupBuilder api)
    {
        api.MapGet("/images/search", SearchAsync)
            .WithSummary("Your images ranked by meaning: by a text (q) or by likeness to one of your images (like)")
            .WithDescription("Exactly one of q and like. Cosine similarity of CLIP vectors, best first; only your images are searched. 503 when the server has no CLIP model.");
        return api;
    }

    private static async Task<Results<Ok<ImageSearchResponse>, ValidationProblem, ProblemHttpResult>> SearchAsync(
        HttpContext context, ImageSearch search, string? q, string? like, int? page, int? pageSize)
    {
        var hasText = !string.IsNullOrWhiteSpace(q);
        if (hasText == (like is not null))
        {
            return ApiProblems.Invalid(hasText ? "like" : "q", "Give exactly one of q (a text) and like (an image id).");
        }

        Guid likeId = default;
        if (like is not null && !Guid.TryParse(like, out likeId))
        {
            return ApiProblems.Invalid("like", "like must be an image id.");
        }

        if (search.Unavailable is { } reason)
        {
            return TypedResults.Problem(reason, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Search unavailable");
        }

        var ownerId = context.User.StudioUserId()!;
        var number = Math.Max(1, page ?? 1);
        var size = Math.Clamp(pageSize ?? DefaultPageSize, 1, MaxPageSize);
        var found = hasText
            ? await search.ByTextAsync(ownerId, q!, GalleryFilter.None, number, size, context.RequestAborted)
            : await search.LikeAsync(ownerId, likeId, GalleryFilter.None, number, size, context.RequestAborted);
        if (found is null)
        {
            return ApiProblems.NotFound("image");
        }

        var items = found.Items.Select(s => new ImageSearchHit(s.Image.Id, s.Score, s.Image.Job?.Prompt ?? "", s.Image.Seed, s.Image.Width, s.Image.Height,
            GenerationMapping.ImageUrl(s.Image.Id), s.Image.Parameters)).ToList();
        return TypedResults.Ok(new ImageSearchResponse(items, number, size, found.Total, found.NotIndexed));
    }
}
