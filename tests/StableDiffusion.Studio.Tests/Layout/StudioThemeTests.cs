using System.Globalization;
using MudBlazor;
using MudBlazor.Utilities;
using StableDiffusion.Studio.Components.Layout;

namespace StableDiffusion.Studio.Tests.Layout;

/// <summary>WCAG 2.1 contrast (relative luminance, 4.5:1 for normal text) of the colour pairs the studio draws text with.</summary>
public sealed class StudioThemeTests
{
    private const double AA = 4.5;

    [Fact]
    public void EveryFilledColourAndItsTextPassWcagAaInBothPalettes()
    {
        foreach (var palette in new Palette[] { StudioTheme.Instance.PaletteLight, StudioTheme.Instance.PaletteDark })
        {
            foreach (var (name, fill, text) in new[]
            {
                ("primary", palette.Primary, palette.PrimaryContrastText), ("info", palette.Info, palette.InfoContrastText),
                ("success", palette.Success, palette.SuccessContrastText), ("warning", palette.Warning, palette.WarningContrastText),
                ("error", palette.Error, palette.ErrorContrastText),
            })
            {
                var ratio = Contrast(Over(text, fill), Rgb(fill));
                Assert.True(ratio >= AA, $"{palette.GetType().Name} {name}: {ratio:0.00}:1");
            }
        }
    }

    [Fact]
    public void TextAndColouredTextOnThePageAndOnSurfacesPassWcagAa()
    {
        foreach (var palette in new Palette[] { StudioTheme.Instance.PaletteLight, StudioTheme.Instance.PaletteDark })
        {
            foreach (var background in new[] { palette.Background, palette.Surface })
            {
                foreach (var (name, colour) in new[]
                {
                    ("secondary text", palette.TextSecondary), ("primary", palette.Primary), ("error", palette.Error), ("info", palette.Info),
                })
                {
                    var ratio = Contrast(Over(colour, background), Rgb(background));
                    Assert.True(ratio >= AA, $"{palette.GetType().Name} {name} on {background}: {ratio:0.00}:1");
                }
            }
        }
    }

    private static double Contrast((double R, double G, double B) a, (double R, double G, double B) b)
    {
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    private static double Luminance((double R, double G, double B) c)
    {
        static double Channel(double v) => v <= 0.03928 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        return (0.2126 * Channel(c.R)) + (0.7152 * Channel(c.G)) + (0.0722 * Channel(c.B));
    }

    private static (double R, double G, double B) Rgb(MudColor colour) => (colour.R / 255.0, colour.G / 255.0, colour.B / 255.0);

    /// <summary>A translucent colour as it shows over an opaque one.</summary>
    private static (double R, double G, double B) Over(MudColor top, MudColor under)
    {
        var alpha = top.A / 255.0;
        var (r, g, b) = Rgb(under);
        return ((alpha * top.R / 255.0) + ((1 - alpha) * r), (alpha * top.G / 255.0) + ((1 - alpha) * g), (alpha * top.B / 255.0) + ((1 - alpha) * b));
    }
}
