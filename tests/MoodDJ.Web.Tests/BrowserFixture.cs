using Microsoft.Playwright;

namespace MoodDJ.Web.Tests;

/// <summary>
/// Debian's headless Chromium driven by Playwright (no browser download), and one web host shared
/// by the tests of the collection. Autoplay is allowed so the AudioWorklet runs without a gesture, and
/// Chromium's fake microphone stands in for one.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public WebHostRunner Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // A fake microphone (a beeping tone) that getUserMedia grants without asking, for the talk button.
            Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--disable-dev-shm-usage", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        });
        Host = await WebHostRunner.StartAsync();
    }

    /// <summary>A fresh page (its own context, so its own session name) at <paramref name="url"/>, connected to the host.</summary>
    public async Task<IPage> OpenAsync(string url, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        // The page's own socket to the host; the station behind the host may still be down (its state is shown, not awaited).
        await PageTests.Expect(page, "window.mooddj?.state.socket?.readyState === WebSocket.OPEN");
        return page;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
