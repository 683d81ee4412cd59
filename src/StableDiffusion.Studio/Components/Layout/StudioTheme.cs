using MudBlazor;

namespace StableDiffusion.Studio.Components.Layout;

/// <summary>
/// MudBlazor's default theme with colours that pass WCAG AA (4.5:1 for text) in both palettes, and table striping
/// and hover that stay subtle in the dark one (its default dark stripe, 20% white, turns every other row light grey).
/// The dark palette uses light tints with dark text on them, as Material's dark theme does: one colour cannot be
/// both a fill under white text and text on a dark page at 4.5:1. Ratios are in StudioThemeTests.
/// </summary>
public static class StudioTheme
{
    private const string DarkOnTint = "rgba(0,0,0,0.87)";

    public static MudTheme Instance { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            TableStriped = "rgba(0,0,0,0.03)",
            TableHover = "rgba(0,0,0,0.06)",
            // MudBlazor's info, success, warning and error fills are 2.2–3.7:1 under white text.
            Info = "#1565c0",
            Success = "#2e7d32",
            Warning = "#a84300",
            Error = "#c62828",
            TextSecondary = "rgba(0,0,0,0.66)",
        },
        PaletteDark = new PaletteDark
        {
            TableStriped = "rgba(255,255,255,0.04)",
            TableHover = "rgba(255,255,255,0.08)",
            Primary = "#a89ff5",
            PrimaryContrastText = DarkOnTint,
            Secondary = "#f48fb1",
            SecondaryContrastText = DarkOnTint,
            Tertiary = "#80deea",
            TertiaryContrastText = DarkOnTint,
            Info = "#90caf9",
            InfoContrastText = DarkOnTint,
            Success = "#81c784",
            SuccessContrastText = DarkOnTint,
            Warning = "#ffb74d",
            WarningContrastText = DarkOnTint,
            Error = "#ff8a80",
            ErrorContrastText = DarkOnTint,
            // 50% white (MudBlazor's) is 4.39:1 on the dark surface; helper text and captions need 4.5.
            TextSecondary = "rgba(255,255,255,0.70)",
            ActionDefault = "rgba(255,255,255,0.80)",
        },
    };
}
