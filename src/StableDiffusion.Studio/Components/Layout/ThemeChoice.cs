namespace StableDiffusion.Studio.Components.Layout;

/// <summary>
/// The visitor's light/dark choice, kept in a cookie that studio.js writes, so the server renders the right theme
/// from the first byte (static pages and prerendering included). No cookie: the browser's preference, read by script.
/// </summary>
public static class ThemeChoice
{
    public const string CookieName = "studio-theme";

    /// <summary>The browser's prefers-color-scheme, which studio.js copies here so static pages (share, 404) can follow it.</summary>
    public const string SystemCookieName = "studio-system-theme";

    /// <summary>True for dark, false for light: the visitor's choice, else their system's; null when neither is known yet.</summary>
    public static bool? IsDark(HttpContext? context) => Parse(context?.Request.Cookies[CookieName]) ?? Parse(context?.Request.Cookies[SystemCookieName]);

    private static bool? Parse(string? value) => value switch
    {
        "dark" => true,
        "light" => false,
        _ => null,
    };
}
