namespace StableDiffusion.Studio.Api;

/// <summary>A new public link: the page (with Open Graph tags) and the bare image.</summary>
public sealed record ShareResponse(string Url, string ImageUrl);
