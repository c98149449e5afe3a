using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static MoodDJ.Web.Tests.PageTests;

namespace MoodDJ.Web.Tests;

/// <summary>
/// A web host of its own for the room tests: its own database, chat limits high enough to write a
/// history page quickly, and a per-address login limit above the tests' registrations (every browser
/// logs in from the host's own address; docs/web.md says so).
/// </summary>
public sealed class RoomsHostFixture : IAsyncLifetime
{
    public WebHostRunner Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await WebHostRunner.StartAsync(settings: ["--rooms:messageBurst=200", "--rooms:messagesPerSecond=100", "--rooms:loginAttemptsPerAddress=1000"]);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Rooms, accounts and chat on the page, in real browsers against the real host and its in-process station.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RoomsTests(BrowserFixture browser, RoomsHostFixture rooms, ITestOutputHelper output) : IClassFixture<RoomsHostFixture>
{
    private const string Password = "correct horse battery";
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];

    private string Url => rooms.Host.Url;

    [Fact]
    public async Task Two_members_register_create_join_and_chat_both_ways_live()
    {
        var (alice, bob) = ($"alice-{_tag}", $"bob-{_tag}");
        var a = await browser.OpenAsync(Url);
        var b = await browser.OpenAsync(Url);
        await RegisterAsync(a, alice);
        await RegisterAsync(b, bob);
        var room = $"lounge-{_tag}";
        await CreateAsync(a, room);

        await JoinAsync(b, room);
        await Expect(a, $"document.getElementById('chat-log').textContent.includes('{bob} joined')");
        await Expect(a, $"document.querySelector('#members [data-name=\"{bob}\"]') !== null");
        await Expect(b, $"document.querySelector('#members [data-name=\"{alice}\"]') !== null");

        await SayAsync(a, $"hello @{bob}");
        await Expect(b, $"[...document.querySelectorAll('#chat-log li.mention')].some(li => li.textContent.includes('hello @{bob}'))");
        await SayAsync(b, "hi back");
        await Expect(a, $"[...document.querySelectorAll('#chat-log li')].some(li => li.textContent.includes('{bob}: hi back'))");
        Assert.Equal(0, await a.EvaluateAsync<int>("document.querySelectorAll('#chat-log li.mention').length")); // alice was not mentioned

        // The room list counts both, and the page kept one copy of each message.
        await a.EvaluateAsync("window.mooddj.rooms.list()");
        await Expect(a, $"document.querySelector('#room-list [data-room=\"{room}\"]')?.textContent.includes('2 online')");
        Assert.Equal(1, await b.EvaluateAsync<int>($"[...document.querySelectorAll('#chat-log li')].filter(li => li.textContent.includes('hello @{bob}')).length"));
        output.WriteLine(await a.TextContentAsync("#chat-log"));

        // Presence: away is shown to the others; invisible is not shown at all.
        await b.SelectOptionAsync("#presence", "away");
        await Expect(a, $"document.querySelector('#members [data-name=\"{bob}\"]')?.dataset.status === 'away'");
        await b.SelectOptionAsync("#presence", "invisible");
        await Expect(a, $"document.querySelector('#members [data-name=\"{bob}\"]') === null");

        // The station's refusal of an over-long message is shown in the alert line, and nothing is queued.
        await SayAsync(a, new string('x', 2001));
        await Expect(a, "document.getElementById('rooms-error').textContent.includes('the limit is 2000')");
        Assert.Equal(0, await a.EvaluateAsync<int>("window.mooddj.rooms.outbox.count"));
        await a.Context.CloseAsync();
        await b.Context.CloseAsync();
    }

    [Fact]
    public async Task Load_older_pages_back_through_the_history_by_cursor()
    {
        var page = await browser.OpenAsync(Url);
        await RegisterAsync(page, $"carol-{_tag}");
        await CreateAsync(page, $"archive-{_tag}");
        await page.EvaluateAsync("async () => { for (let i = 0; i < 30; i++) await window.mooddj.rooms.say('line ' + String(i).padStart(2, '0')); }");
        await Expect(page, "document.getElementById('chat-log').textContent.includes('line 29')");

        // A reload keeps the login (its token) and the room in sessionStorage, and shows the newest page only.
        await page.ReloadAsync();
        await Expect(page, "document.getElementById('chat-log').textContent.includes('line 29')");
        await Expect(page, "!document.getElementById('older').hidden");
        Assert.DoesNotContain("line 00", await page.TextContentAsync("#chat-log"));
        Assert.InRange(await page.EvaluateAsync<int>("document.querySelectorAll('#chat-log li[data-kind=text]').length"), 20, 25);

        await page.ClickAsync("#older");
        await Expect(page, "document.getElementById('chat-log').textContent.includes('line 00')");
        await Expect(page, "document.getElementById('older').hidden");   // the room's first message is shown
        var lines = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('#chat-log li[data-kind=text]')].map(li => li.textContent.split(': ')[1])");
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"line {i:00}"), lines);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_message_written_offline_is_delivered_exactly_once_after_the_reconnect()
    {
        var (dave, erin) = ($"dave-{_tag}", $"erin-{_tag}");
        var a = await browser.OpenAsync(Url);
        var b = await browser.OpenAsync(Url);
        await RegisterAsync(a, dave);
        await RegisterAsync(b, erin);
        var room = $"patchy-{_tag}";
        await CreateAsync(a, room);
        await JoinAsync(b, room);

        // Offline: the page's socket goes down and cannot come back until the network does.
        var down = false;
        await a.RouteWebSocketAsync("**/ws", ws =>
        {
            if (down) ws.CloseAsync();
            else ws.ConnectToServer();
        });
        down = true;
        await a.EvaluateAsync("window.mooddj.state.socket.close()");
        await Expect(a, "document.getElementById('connection').dataset.state === 'reconnecting'");
        await SayAsync(a, "written while away");
        await Expect(a, "window.mooddj.rooms.outbox.count === 1");
        Assert.Contains("1 message waiting", await a.TextContentAsync("#outbox-state"));
        var entry = await a.EvaluateAsync<string>("JSON.stringify(window.mooddj.rooms.outbox.peek(window.mooddj.rooms.user))");

        down = false;
        await Expect(a, "window.mooddj.rooms.outbox.count === 0 && document.getElementById('connection').dataset.state === 'open'");
        await Expect(b, "document.getElementById('chat-log').textContent.includes('written while away')");

        // A resend of the same entry (its answer lost, say) is a repeat the server drops.
        var duplicate = await a.EvaluateAsync<bool>($"window.mooddj.rooms.call('say', {entry}).then(r => r.duplicate)");
        Assert.True(duplicate);
        await Task.Delay(300);
        const string Count = "[...document.querySelectorAll('#chat-log li')].filter(li => li.textContent.includes('written while away')).length";
        Assert.Equal(1, await b.EvaluateAsync<int>(Count));
        Assert.Equal(1, await a.EvaluateAsync<int>(Count));
        var stored = await b.EvaluateAsync<int>($"window.mooddj.rooms.call('history', {{ room: '{room}', limit: 100 }}).then(p => p.messages.filter(m => m.text === 'written while away').length)");
        Assert.Equal(1, stored);
        await a.Context.CloseAsync();
        await b.Context.CloseAsync();
    }

    [Fact]
    public async Task A_visitor_trying_a_members_action_sees_the_servers_reason()
    {
        var owner = await browser.OpenAsync(Url);
        await RegisterAsync(owner, $"frank-{_tag}");
        var room = $"open-house-{_tag}";
        await CreateAsync(owner, room, allowVisitors: true);

        var visitor = await browser.OpenAsync(Url);
        await JoinAsync(visitor, room);
        await Expect(visitor, "document.getElementById('chat-role').textContent.includes('visitor')");
        await SayAsync(visitor, "can I talk?");

        await Expect(visitor, "document.getElementById('rooms-error').textContent.includes('Visitors read and listen')");
        Assert.Equal("alert", await visitor.GetAttributeAsync("#rooms-error", "role"));
        Assert.Equal(0, await visitor.EvaluateAsync<int>("window.mooddj.rooms.outbox.count"));   // refused, not queued
        Assert.Equal("open", await visitor.EvaluateAsync<string>("document.getElementById('connection').dataset.state"));

        await visitor.FillAsync("#create-name", $"mine-{_tag}");
        await visitor.ClickAsync("#create");
        await Expect(visitor, "document.getElementById('rooms-error').textContent.includes('Log in first')");
        await owner.Context.CloseAsync();
        await visitor.Context.CloseAsync();
    }

    [Fact]
    public async Task In_a_room_the_page_steers_and_plays_the_rooms_own_station()
    {
        var page = await browser.OpenAsync(Url);
        await RegisterAsync(page, $"hana-{_tag}");
        var room = $"studio-{_tag}";
        await CreateAsync(page, room);
        await Expect(page, $"document.getElementById('now-where').textContent === 'in room {room}'");

        await SendMoodAsync(page, "I feel happy");
        await Expect(page, "document.getElementById('reading-label').textContent === 'happy'");
        await Expect(page, "document.getElementById('now-title-text').textContent !== 'Nothing yet'");
        await page.ClickAsync("#play");
        await Expect(page, $"document.getElementById('audio-state').textContent.includes('room {room}')");
        await Expect(page, "document.getElementById('level').value > 0");
        // The listener is on the room's station: the room list counts it.
        await Expect(page, $"(window.mooddj.rooms.list(), document.querySelector('#room-list [data-room=\"{room}\"]')?.textContent.includes('1 listening'))");

        // Leaving brings the page back to the house station, and its audio with it.
        await page.ClickAsync("#leave");
        await Expect(page, "document.getElementById('now-where').textContent === ''");
        await Expect(page, "window.mooddj.audio.room === null && window.mooddj.audio.via === 'station'");
        await Expect(page, $"(window.mooddj.rooms.list(), document.querySelector('#room-list [data-room=\"{room}\"]')?.textContent.includes('0 listening'))");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Register_create_and_chat_work_from_the_keyboard_alone()
    {
        var page = await browser.OpenAsync(Url);
        var user = $"ivan-{_tag}";
        await TabToAsync(page, "account-user");
        await page.Keyboard.TypeAsync(user);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(Password);
        await TabToAsync(page, "register");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page, $"document.getElementById('account-name').textContent === '{user}'");

        await TabToAsync(page, "create-name");
        await page.Keyboard.TypeAsync($"keys-{_tag}");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page, $"document.getElementById('chat-room-name').textContent === 'keys-{_tag}'");
        await TabToAsync(page, "say-text");
        await page.Keyboard.TypeAsync("typed, not clicked");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page, "document.getElementById('chat-log').textContent.includes('typed, not clicked')");
        await TabToAsync(page, "leave");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page, "document.getElementById('chat-room').hidden");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Axe_finds_no_serious_or_critical_violations_in_a_room(int width, int height)
    {
        var page = await browser.OpenAsync(Url, width, height);
        var user = $"gina{width}-{_tag}";
        await RegisterAsync(page, user);
        await CreateAsync(page, $"a11y-{width}-{_tag}");
        await SendMoodAsync(page, "I feel happy and excited");   // the room's station plays: the view as a person sees it
        await Expect(page, "document.getElementById('now-title-text').textContent !== 'Nothing yet'");
        await SayAsync(page, $"a note to myself @{user}");
        await Expect(page, "document.querySelectorAll('#chat-log li.mention').length === 1");

        var results = await page.RunAxe();

        foreach (var v in results.Violations)
            output.WriteLine($"{v.Impact}: {v.Id} — {v.Help} ({v.Nodes.Length} nodes: {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})");
        Assert.Empty(results.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Impact}: {v.Id} {v.Help}"));
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the viewport");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Folder("screenshots"), $"web-rooms-{width}.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    /// <summary>Presses Tab until <paramref name="id"/> has the focus (at most 60 times).</summary>
    private static async Task TabToAsync(IPage page, string id)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await page.EvaluateAsync<string>("document.activeElement?.id ?? ''") == id) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached #{id}");
    }

    private static async Task RegisterAsync(IPage page, string user)
    {
        await page.FillAsync("#account-user", user);
        await page.FillAsync("#account-password", Password);
        await page.ClickAsync("#register");
        await Expect(page, $"document.getElementById('account-name').textContent === '{user}'");
        Assert.Equal("", await page.InputValueAsync("#account-password"));   // the password is not kept on the page
    }

    private static async Task CreateAsync(IPage page, string room, bool allowVisitors = false)
    {
        await page.FillAsync("#create-name", room);
        if (allowVisitors) await page.CheckAsync("#create-visitors");
        await page.ClickAsync("#create");
        await Expect(page, $"document.getElementById('chat-room-name').textContent === '{room}'");
    }

    private static async Task JoinAsync(IPage page, string room)
    {
        await page.EvaluateAsync("window.mooddj.rooms.list()");   // rather than wait for the page's own 5 s refresh
        await page.ClickAsync($"#room-list button[aria-label=\"Join {room}\"]");
        await Expect(page, $"document.getElementById('chat-room-name').textContent === '{room}'");
    }

    private static async Task SayAsync(IPage page, string text)
    {
        await page.FillAsync("#say-text", text);
        await page.PressAsync("#say-text", "Enter");
    }
}
