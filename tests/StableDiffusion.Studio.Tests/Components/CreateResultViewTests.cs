using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using StableDiffusion.Inference.Pipeline;
using StableDiffusion.Studio.Components.Gallery;
using StableDiffusion.Studio.Components.Generation;
using StableDiffusion.Studio.Data;
using StableDiffusion.Studio.Tests.Infrastructure;

namespace StableDiffusion.Studio.Tests.Components;

/// <summary>What Create shows around the form: the model's guide, the size warning, the newest result and the lightbox.</summary>
public sealed class CreateResultViewTests : ComponentTestContext
{
    [Fact]
    public async Task TheModelsDescriptionShowsAndAnExampleChipPutsItsPromptInThePromptBox()
    {
        Fake.Models = [Fake.Models[0] with { Card = new ModelCard("Circles and squares.", ["a red circle on a blue background", "two white squares on a black background"]) }];
        var settings = Settings.Valid(prompt: "");

        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings).Add(f => f.ShowModelGuide, true));
        // Awaited: the chip's click handler is asynchronous and a plain Click() does not wait for it (the test failed once in a busy full run).
        await form.FindAll("[data-testid=example-prompt]")[1].ClickAsync(new MouseEventArgs());

        Assert.Equal("Circles and squares.", form.Find("[data-testid=model-description]").TextContent);
        Assert.Equal("two white squares on a black background", settings.Prompt);
        Assert.Equal("two white squares on a black background", form.Find("textarea").GetAttribute("value") ?? form.Find("textarea").TextContent);
        Assert.Contains("e.g. a red circle on a blue background", form.Find("textarea").GetAttribute("placeholder"));
    }

    [Fact]
    public void ASizeFarFromTheModelsOwnShowsAWarningThatGoesWhenTheSizeComesBack()
    {
        var settings = Settings.Valid() with { Width = 512, Height = 512 };

        var form = Render<SettingsForm>(p => p.Add(f => f.Settings, settings));
        var warning = form.Find("[data-testid=size-warning]").TextContent;
        settings.Width = settings.Height = 64;
        form.Render(p => p.Add(f => f.Settings, settings));

        Assert.Contains("This model was trained at 64×64; 512×512 will be slow and won't look right.", warning);
        Assert.Empty(form.FindAll("[data-testid=size-warning]"));
    }

    [Fact]
    public void TheNewestResultShowsItsSeedAndSettingsAWholeMultipleLargerAndItsActionsCallBack()
    {
        var job = new JobRecord
        {
            Id = Guid.CreateVersion7(), OwnerId = "alice", Prompt = "a red circle", Model = "tiny-shapes", Scheduler = "dpmpp-2m", Steps = 25, GuidanceScale = 2,
        };
        var image = new ImageRecord { Id = Guid.CreateVersion7(), OwnerId = "alice", Seed = 1234, Width = 64, Height = 64, FilePath = "a.png", Parameters = "" };
        var used = new List<Guid>();
        var deleted = new List<Guid>();

        var view = Render<LatestResult>(p => p.Add(c => c.Job, job).Add(c => c.Image, image)
            .Add(c => c.OnUseSettings, id => used.Add(id)).Add(c => c.OnDelete, id => deleted.Add(id)));
        view.Find("[data-testid=use-settings]").Click();
        view.Find("[data-testid=latest-delete]").Click();

        Assert.Equal("Seed 1234", view.Find("[data-testid=latest-seed]").TextContent);
        Assert.Contains("25 steps · CFG 2", view.Find("[data-testid=latest-settings]").TextContent);
        var img = view.Find("[data-testid=latest-image]");
        Assert.Equal("width: 384px", img.GetAttribute("style"));
        Assert.Contains("studio-pixelated", img.ClassList);
        Assert.Equal([image.Id], used);
        Assert.Equal([image.Id], deleted);
    }

    [Fact]
    public void TheLightboxStepsWithTheArrowKeysStopsAtTheEndsAndClosesOnEscape()
    {
        var items = Enumerable.Range(0, 3).Select(i => new LightboxItem(Guid.CreateVersion7(), $"shape {i}", i, 64, 64)).ToList();
        int? index = 0;
        var view = Render<ImageLightbox>(p => p.Add(c => c.Items, items).Add(c => c.Index, index)
            .Add(c => c.IndexChanged, EventCallback.Factory.Create<int?>(this, i => index = i)));

        void Press(string key)
        {
            view.Find("[data-testid=lightbox]").KeyDown(new KeyboardEventArgs { Key = key });
            view.Render(p => p.Add(c => c.Index, index));
        }

        Press("ArrowLeft");
        var atStart = index;
        Press("ArrowRight");
        Press("ArrowRight");
        var shown = view.Find("[data-testid=lightbox-image]").GetAttribute("data-image-id");
        var position = view.Find("[data-testid=lightbox-position]").TextContent;
        Press("ArrowRight");
        var atEnd = index;
        Press("Escape");

        Assert.Equal(0, atStart);
        Assert.Equal(items[2].ImageId.ToString(), shown);
        Assert.Contains("3 of 3", position);
        Assert.Equal(2, atEnd);
        Assert.Null(index);
        Assert.Empty(view.FindAll("[data-testid=lightbox]"));
    }
}
