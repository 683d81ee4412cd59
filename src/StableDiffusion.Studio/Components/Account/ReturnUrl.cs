namespace StableDiffusion.Studio.Components.Account;

/// <summary>Where a form goes after signing in: a path of this studio, never another site (an open redirect).</summary>
public static class ReturnUrl
{
    public static string Local(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
