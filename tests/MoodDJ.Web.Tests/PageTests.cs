using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MoodDJ.Web.Tests;

/// <summary>The page in a real browser against the real host and an in-process station.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_typed_mood_shows_its_reading_and_changes_the_track()
    {
        var page = await fixture.OpenAsync(fixture.Host.Url);
        await SendMoodAsync(page, "I feel calm and relaxed");
        await Expect(page, "document.getElementById('reading-label').textContent === 'calm'");
        var before = await TitleAsync(page);

        await SendMoodAsync(page, "I am furious and angry");

        await Expect(page, "document.getElementById('reading-label').textContent === 'angry'");
        Assert.Contains("furious", await page.TextContentAsync("#reading-evidence"));
        Assert.False(await page.IsHiddenAsync("#plane-dot"));
        await Expect(page, $"document.getElementById('now-title-text').textContent !== {System.Text.Json.JsonSerializer.Serialize(before)}");
        output.WriteLine($"calm: {before} · angry: {await TitleAsync(page)}");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Talk_sends_the_browser_microphone_to_the_station_over_the_music()
    {
        var page = await fixture.OpenAsync(fixture.Host.Url);
        await SendMoodAsync(page, "I feel happy");
        var station = fixture.Host.Services.GetRequiredService<MoodDJ.Host.Web.Stations.IStationLink>().Client;
        var before = (await station.StatusAsync()).Counters.TalkFrames;

        await page.ClickAsync("#talk");
        await Expect(page, "document.getElementById('talk-state').textContent.startsWith('On air')");
        Assert.Equal("true", await page.GetAttributeAsync("#talk", "aria-pressed"));
        await Expect(page, "window.mooddj.talk.bytes > 48000 * 4");   // a second of Chromium's fake microphone sent
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long mixed;
        while ((mixed = (await station.StatusAsync()).Counters.TalkFrames - before) < 40 && DateTime.UtcNow < deadline) await Task.Delay(200);
        output.WriteLine($"voice frames the station mixed over the music: {mixed}");
        Assert.True(mixed >= 40, $"the station mixed only {mixed} voice frames from the browser");

        await page.ClickAsync("#talk");
        await Expect(page, "document.getElementById('talk-state').textContent === 'Not talking.'");
        Assert.Equal("false", await page.GetAttributeAsync("#talk", "aria-pressed"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Clicking_the_plane_sets_a_mood()
    {
        var page = await fixture.OpenAsync(fixture.Host.Url);
        var box = (await page.Locator("#plane").BoundingBoxAsync())!;
        // Bottom-left: unpleasant and calm, which the lexicon reads as sad.
        await page.Mouse.ClickAsync(box.X + box.Width * 0.12f, box.Y + box.Height * 0.8f);
        await Expect(page, "document.getElementById('reading-label').textContent === 'sad'");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Audio_reaches_the_level_meter_and_the_latency_is_measured()
    {
        var page = await fixture.OpenAsync(fixture.Host.Url);
        await SendMoodAsync(page, "I feel happy");
        await page.ClickAsync("#play");

        await Expect(page, "document.getElementById('level').value > 0");
        await Expect(page, "window.mooddj.audio.latencies.length >= 40", timeoutMs: 60_000);
        var latency = await page.EvaluateAsync<double>("window.mooddj.audio.latencyMs");
        var method = await page.EvaluateAsync<string>("window.mooddj.audio.latencyMethod");
        var spread = await page.EvaluateAsync<double[]>("[...window.mooddj.audio.latencies].sort((a, b) => a - b)");
        // Where it goes: pump → host send (the host player's jitter buffer), host → browser, browser → output (worklet buffer + output latency).
        var parts = await page.EvaluateAsync<double[]>("[0, 1, 2].map(i => { const v = window.mooddj.audio.parts.map(p => p[i]).filter(Number.isFinite).sort((a, b) => a - b); return v.length ? v[v.length >> 1] : -1; })");
        var line = $"pump-to-output latency: median {latency:0} ms over {spread.Length} frames (min {spread[0]:0}, max {spread[^1]:0}) by {method}; " +
            $"medians: pump→host send {parts[0]:0} ms, host→browser {parts[1]:0} ms, browser→output {parts[2]:0} ms";
        output.WriteLine(line);
        await File.WriteAllTextAsync(Path.Combine(Artifacts.Folder("web"), "latency.txt"), line + Environment.NewLine);
        Assert.InRange(latency, 0, 1000); // the target is 300 ms; a loaded CI machine gets slack, the figure is reported
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Two_listening_pages_both_appear_in_the_listener_list()
    {
        var first = await fixture.OpenAsync(fixture.Host.Url);
        var second = await fixture.OpenAsync(fixture.Host.Url);
        await first.ClickAsync("#play");
        await second.ClickAsync("#play");
        var names = new[] { await first.EvaluateAsync<string>("window.mooddj.audio.name"), await second.EvaluateAsync<string>("window.mooddj.audio.name") };
        Assert.NotEqual(names[0], names[1]);

        foreach (var name in names)
            await Expect(first, $"document.getElementById('listeners').textContent.includes({System.Text.Json.JsonSerializer.Serialize(name)})");
        // Each browser listener reports its loss and buffer through its player on the host.
        await Expect(first, "[...document.querySelectorAll('#listeners tr')].some(r => r.cells.length === 4 && r.cells[3].textContent.endsWith('ms'))");
        output.WriteLine(await first.TextContentAsync("#listeners"));
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }

    // The P2P panel's cases are in P2PTests.

    [Fact]
    public async Task The_page_reconnects_by_itself_when_the_server_restarts()
    {
        await using var host = await WebHostRunner.StartAsync(WebHostRunner.FreePort());
        var page = await fixture.OpenAsync(host.Url);

        await host.StopAsync();
        await Expect(page, "document.getElementById('connection').dataset.state === 'reconnecting'");
        await host.RestartAsync();

        await Expect(page, "document.getElementById('connection').dataset.state === 'open'");
        await SendMoodAsync(page, "I feel excited");
        await Expect(page, "document.getElementById('reading-label').textContent === 'energetic'");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Mood_send_skip_and_play_work_from_the_keyboard_alone()
    {
        var page = await fixture.OpenAsync(fixture.Host.Url);
        var reached = new List<string>();
        for (var i = 0; i < 30 && !new[] { "mood-text", "send", "skip", "play" }.All(reached.Contains); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached.Add(await page.EvaluateAsync<string>("document.activeElement?.id ?? ''"));
        }
        output.WriteLine("tab order: " + string.Join(" → ", reached));
        Assert.Contains("mood-text", reached);
        Assert.Contains("send", reached);
        Assert.Contains("skip", reached);
        Assert.Contains("play", reached);

        // The whole flow with keys: focus the mood box, type, Enter; then Tab to Play and press Enter.
        await page.Keyboard.PressAsync("Shift+Tab"); // anywhere is fine: go back to the top
        await page.EvaluateAsync("document.activeElement.blur()");
        while (await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") != "mood-text")
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("I feel sad and lonely");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page, "document.getElementById('reading-label').textContent === 'sad'");
        while (await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") != "play")
            await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page, "document.getElementById('play').getAttribute('aria-pressed') === 'true'");
        await page.Context.CloseAsync();
    }

    internal static async Task SendMoodAsync(IPage page, string text)
    {
        await page.FillAsync("#mood-text", text);
        await page.ClickAsync("#send");
    }

    private static async Task<string> TitleAsync(IPage page) => (await page.TextContentAsync("#now-title-text"))!;

    /// <summary>Waits for <paramref name="condition"/>; on timeout the failure names what the page showed, so a CI log says why.</summary>
    internal static async Task Expect(IPage page, string condition, int timeoutMs = 30_000)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 100 });
        }
        catch (TimeoutException e)
        {
            var shown = await page.EvaluateAsync<string>(
                "['connection', 'errors', 'speakers-error', 'listeners', 'audio-state', 'rooms-status', 'rooms-error', 'outbox-state'].map(id => id + ': ' + (document.getElementById(id)?.textContent ?? '(none)').trim().replace(/\\s+/g, ' ')).join(' | ')");
            throw new TimeoutException($"{condition} was still false after {timeoutMs} ms. The page showed: {shown}", e);
        }
    }
}
