namespace StableDiffusion.Studio.Components.Layout;

/// <summary>
/// The visitor's light/dark choice, kept in a cookie that studio.js writes, so the server renders the right theme
/// from the first byte (static pages and prerendering included). No cookie: the browser's preference, read by script.
/// </summary>
public static class ThemeChoice
{
    public const string CookieName = "studio-theme";

    /// <summary>True for dark, false for light, null when the visitor has not chosen yet.</summary>
    public static bool? IsDark(HttpContext? context) => context?.Request.Cookies[CookieName] switch
    {
        "dark" => true,
        "light" => false,
        _ => null,
    };
}
