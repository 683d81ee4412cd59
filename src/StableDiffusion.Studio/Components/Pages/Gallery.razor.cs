using Microsoft.AspNetCore.Components;
using MudBlazor;
using StableDiffusion.Studio.Components.Gallery;
using StableDiffusion.Studio.Identity;
using StableDiffusion.Studio.Library;
using StableDiffusion.Studio.Search;
using StableDiffusion.Studio.Storage;

namespace StableDiffusion.Studio.Components.Pages;

/// <summary>
/// The user's images. Page, search and filters live in the URL, so a reload, the back button and a bookmark keep
/// them; the page only navigates, and loads when its query parameters change.
/// </summary>
public sealed partial class Gallery
{
    public const int PageSize = 24;

    /// <summary>About the widest a card's image is drawn (two columns on a phone, six on a wide screen).</summary>
    private const int GalleryThumbnailWidth = 240;

    [Inject] private ImageLibrary Library { get; set; } = default!;
    [Inject] private ImageSearch Searcher { get; set; } = default!;
    [Inject] private MissingImageFiles Missing { get; set; } = default!;
    [Inject] private CurrentUser User { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "page")] public int? Page { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Search { get; set; }
    [SupplyParameterFromQuery(Name = "model")] public string? Model { get; set; }
    [SupplyParameterFromQuery(Name = "sampler")] public string? Sampler { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeFilter { get; set; }
    [SupplyParameterFromQuery(Name = "days")] public int? Days { get; set; }
    [SupplyParameterFromQuery(Name = "mode")] public string? Mode { get; set; }
    [SupplyParameterFromQuery(Name = "like")] public Guid? Like { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? Sort { get; set; }

    private ImagePage? page;
    private IReadOnlyDictionary<Guid, float>? scores;
    private int notIndexed;
    private GalleryChoices choices = GalleryChoices.None;
    private readonly HashSet<Guid> selected = [];
    private int? lightbox;

    /// <summary>This page's images whose files are there, in the grid's order: the lightbox steps through them.</summary>
    private IReadOnlyList<LightboxItem> LightboxItems =>
        page is null
            ? []
            : [.. page.Items.Where(i => !Missing.Contains(i.Id)).Select(i => new LightboxItem(i.Id, i.Job?.Prompt ?? "", i.Seed, i.Width, i.Height))];

    private int PageNumber => Math.Max(1, Page ?? 1);

    private int PageCount => page is null ? 0 : (page.Total + PageSize - 1) / PageSize;

    private bool PlainText => Mode == "text";

    private string SearchLabel => Searcher.Unavailable is null && !PlainText ? "Search by meaning, or a seed" : "Search prompts or a seed";

    /// <summary>
    /// A search ranks by meaning unless plain text is chosen, CLIP is unavailable, or it is a number (a seed); "More like
    /// this" always ranks.
    /// </summary>
    private bool RanksByMeaning => Searcher.Unavailable is null
        && (Like is not null || (!PlainText && !string.IsNullOrWhiteSpace(Search) && !long.TryParse(Search.Trim(), out _)));

    private bool Filtered => Like is not null || !string.IsNullOrWhiteSpace(Search) || Model is not null || Sampler is not null || SizeFilter is not null || Days > 0;

    private string CountText => page is null ? "" : page.Total switch
    {
        1 => "1 image",
        var n when PageCount > 1 => $"{n} images · page {PageNumber} of {PageCount}",
        var n => $"{n} images",
    };

    private GalleryFilter Filter => new(Search, Model, Sampler, SizeFilter, Days > 0 ? DateTime.UtcNow.Date.AddDays(1 - Days.Value) : null, Order);

    /// <summary>The URL's sort order; best match only while CLIP is there to score.</summary>
    private GalleryOrder Order => Sort switch
    {
        OldestKey => GalleryOrder.Oldest,
        BestMatchKey when Searcher.Unavailable is null => GalleryOrder.BestMatch,
        _ => GalleryOrder.Newest,
    };

    private const string OldestKey = "oldest";
    private const string BestMatchKey = "best-match";

    private static string? SortKey(GalleryOrder order) => order switch
    {
        GalleryOrder.Oldest => OldestKey,
        GalleryOrder.BestMatch => BestMatchKey,
        _ => null,
    };

    /// <summary>What the number under each image means: similarity to the search, or the image's CLIP score.</summary>
    private string ScoreLabel => RanksByMeaning ? "Similarity" : "CLIP score";

    protected override async Task OnParametersSetAsync()
    {
        var ownerId = await User.GetIdAsync();
        choices = await Library.ChoicesAsync(ownerId);
        page = await LoadAsync(ownerId, PageNumber);
        if (page.Items.Count == 0 && PageNumber > 1 && page.Total > 0)
        {
            // Past the last page (images deleted, or an old link): show the last one that exists.
            page = await LoadAsync(ownerId, PageCount);
        }
    }

    private void OpenLightbox(Guid imageId)
    {
        var index = LightboxItems.ToList().FindIndex(i => i.ImageId == imageId);
        lightbox = index >= 0 ? index : null;
    }

    private async Task<ImagePage> LoadAsync(string ownerId, int number)
    {
        (scores, notIndexed) = (null, 0);
        if (!RanksByMeaning && Order == GalleryOrder.BestMatch)
        {
            var byScore = await Searcher.ByPromptScoreAsync(ownerId, Filter, number, PageSize);
            (scores, notIndexed) = (byScore.Scores, byScore.NotIndexed);
            return byScore.Images;
        }

        if (!RanksByMeaning)
        {
            return await Library.SearchAsync(ownerId, Filter, number, PageSize);
        }

        var ranked = Like is { } like
            ? await Searcher.LikeAsync(ownerId, like, Filter, number, PageSize) ?? new SearchPage([], 0, 0)
            : await Searcher.ByTextAsync(ownerId, Search!, Filter, number, PageSize);
        scores = ranked.Items.ToDictionary(i => i.Image.Id, i => i.Score);
        notIndexed = ranked.NotIndexed;
        return new ImagePage([.. ranked.Items.Select(i => i.Image)], ranked.Total);
    }

    /// <summary>The URL with one part changed; any change but the page number starts again at page 1.</summary>
    private void Go(string key, object? value)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["page"] = null, ["q"] = Search, ["model"] = Model, ["sampler"] = Sampler, ["size"] = SizeFilter, ["days"] = Days,
            ["mode"] = Mode, ["like"] = key == "q" ? null : Like, ["sort"] = Sort,
        };
        var empty = value is null or "" or 0 || (key == "page" && value is 1);
        parameters[key] = empty ? null : value;
        // Typing a search replaces the history entry: Back should not step through every prefix of a word.
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(parameters), replace: key == "q");
    }

    private void Select(Guid imageId, bool on)
    {
        if (on)
        {
            selected.Add(imageId);
        }
        else
        {
            selected.Remove(imageId);
        }
    }

    private void SelectPage() => selected.UnionWith(page?.Items.Select(i => i.Id) ?? []);

    private async Task DeleteAsync(Guid imageId)
    {
        if (await Library.DeleteAsync(await User.GetIdAsync(), imageId))
        {
            selected.Remove(imageId);
            Snackbar.Add("Image deleted.", Severity.Success);
        }

        await OnParametersSetAsync();
    }

    private async Task DeleteSelectedAsync()
    {
        var count = selected.Count;
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete images",
            count == 1 ? "Delete the selected image? This cannot be undone." : $"Delete the {count} selected images? This cannot be undone.",
            yesText: "Delete", cancelText: "Keep them");
        if (confirmed != true)
        {
            return;
        }

        var ownerId = await User.GetIdAsync();
        var deleted = 0;
        foreach (var id in selected.ToList())
        {
            deleted += await Library.DeleteAsync(ownerId, id) ? 1 : 0;
        }

        selected.Clear();
        Snackbar.Add(deleted == 1 ? "1 image deleted." : $"{deleted} images deleted.", Severity.Success);
        await OnParametersSetAsync();
    }
}
