using MudBlazor;

namespace StableDiffusion.Studio.Components.Layout;

/// <summary>
/// MudBlazor's default theme with table striping and hover that stay subtle in the dark palette: its default dark
/// stripe (20% white) turns every other row of a settings table light grey.
/// </summary>
public static class StudioTheme
{
    public static MudTheme Instance { get; } = new()
    {
        PaletteLight = new PaletteLight { TableStriped = "rgba(0,0,0,0.03)", TableHover = "rgba(0,0,0,0.06)" },
        PaletteDark = new PaletteDark { TableStriped = "rgba(255,255,255,0.04)", TableHover = "rgba(255,255,255,0.08)" },
    };
}
