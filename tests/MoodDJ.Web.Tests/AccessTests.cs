using Deque.AxeCore.Playwright;
using Xunit.Abstractions;

namespace MoodDJ.Web.Tests;

/// <summary>axe-core (Deque's package carries the npm build) on the live page, and the phone and desktop screenshots.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Axe_finds_no_serious_or_critical_violations(int width, int height)
    {
        var page = await fixture.OpenAsync(fixture.Host.Url, width, height);
        await PageTests.SendMoodAsync(page, "I feel happy");
        await PageTests.Expect(page, "document.getElementById('reading-label').textContent === 'happy'");
        await PageTests.Expect(page, "document.getElementById('listeners').children.length > 0");

        var results = await page.RunAxe();

        foreach (var v in results.Violations)
            output.WriteLine($"{v.Impact}: {v.Id} — {v.Help} ({v.Nodes.Length} nodes: {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})");
        Assert.Empty(results.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Impact}: {v.Id} {v.Help}"));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 900)]
    public async Task Screenshots_are_saved(string name, int width, int height)
    {
        var page = await fixture.OpenAsync(fixture.Host.Url, width, height);
        await PageTests.SendMoodAsync(page, "I feel happy and excited");
        await PageTests.Expect(page, "document.getElementById('reading-label').textContent !== '—'");
        await page.ClickAsync("#play");
        await PageTests.Expect(page, "document.getElementById('level').value > 0");
        await PageTests.Expect(page, "window.mooddj.audio.latencyMs !== null");
        await Task.Delay(1500); // the listener panel shows the page's buffer on its next tick

        var path = Path.Combine(Artifacts.Folder("screenshots"), $"web-{name}.png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        // The page must not scroll sideways on a phone.
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the viewport");
        Assert.True(new FileInfo(path).Length > 10_000);
        output.WriteLine(path);
        await page.Context.CloseAsync();
    }
}
