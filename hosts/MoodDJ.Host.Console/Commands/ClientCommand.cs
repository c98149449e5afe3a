using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Client;
using MoodDJ.Host.Console.Stations;
using MoodDJ.Protocol.Messages;
using MoodDJ.Protocol;
using MoodDJ.Station;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj client`: an interactive control session with a running station. Plain text is a
/// prompt; slash commands control playback; the station's events are shown as they come; the
/// connection comes back by itself after the station restarts.
/// </summary>
internal sealed class ClientCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var server = StationTarget.ServerOption();
        var join = StationTarget.JoinOption();
        var name = new Option<string>("--name") { Description = "Your name, shown in the station's log.", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command("client", "Talk to a running station: type how you feel; /skip, /pause, /resume, /seek 1:30, /stop, /status, /list, /quit.") { server, join, name };
        command.SetAction((parseResult, ct) =>
        {
            var target = new StationTarget(parseResult, server, join);
            return CommandRunner.RunAsync(parseResult, globals, async (context, token) =>
            {
                var options = new StationClientOptions
                {
                    EndPoint = target.EndPoint,
                    ClientName = $"client {parseResult.GetValue(name)}@{Environment.MachineName}",
                };
                // The client says itself what happens to the connection; raw log lines only with --verbose.
                await using var client = new StationClient(context.Engine.ControlTransport, context.Engine.Crypto, options,
                    context.Verbose ? context.LoggerFactory.CreateLogger<StationClient>() : null);
                var session = new InteractiveClient(client, System.Console.In, StationText.Console());
                return await session.RunAsync(token);
            }, ct, prepare: target.Prepare);
        });
        return command;
    }
}

/// <summary>The read–call–print loop of `mooddj client`, over any reader and console (so it can be tested).</summary>
internal sealed class InteractiveClient(StationClient client, TextReader input, IAnsiConsole console)
{
    private const string Help = "type how you feel, or: /text <words>  /skip  /pause  /resume  /seek <m:ss>  /stop  /status  /list  /help  /quit";
    private readonly object _printLock = new();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        client.NotificationReceived += OnNotification;
        client.StateChanged += OnStateChanged;
        await client.ConnectAsync(cancellationToken);
        Print($"[green]connected[/] to the station at {Markup.Escape(client.LastHello.ValueKind == JsonValueKind.Object ? Describe(client.LastHello) : "?")}");
        if (StationText.Member(client.LastHello, "nowPlaying") is { } now)
        {
            _lastAnnounced = TrackKey(StationText.Member(now, "track"));
            RememberShown(now);
            Print("now playing " + StationText.NowPlaying(now));
        }
        Print($"[grey]{Markup.Escape(Help)}[/]");

        while (!cancellationToken.IsCancellationRequested)
        {
            var line = await input.ReadLineAsync(cancellationToken);
            if (line is null) break; // End of input: leave like /quit.
            line = line.Trim();
            if (line.Length == 0) continue;
            if (line is "/quit" or "/exit" or "/q") break;
            try
            {
                await ExecuteAsync(line, cancellationToken);
            }
            catch (JsonRpcException e)
            {
                Print($"[red]station says:[/] {Markup.Escape(e.Message)}");
            }
            catch (Exception e) when (e is TimeoutException or StationConnectionLostException)
            {
                Print($"[red]{Markup.Escape(e.Message)}[/]");
            }
        }
        return 0;
    }

    private async Task ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        if (!line.StartsWith('/'))
        {
            await PromptAsync(line, cancellationToken);
            return;
        }
        var space = line.IndexOf(' ');
        var verb = (space < 0 ? line : line[..space]).ToLowerInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (verb)
        {
            case "/text":
                if (argument.Length == 0) Print("[yellow]/text needs words, e.g. /text I feel calm[/]");
                else await PromptAsync(argument, cancellationToken);
                break;
            case "/skip":
                await SkipAsync(cancellationToken);
                break;
            case "/stop":
                await client.CallAsync("stop", cancellationToken: cancellationToken);
                Print("[yellow]stopped[/] [grey](a prompt or /resume starts the music again)[/]");
                break;
            case "/pause":
            case "/resume":
                var now = await client.CallAsync(verb[1..], cancellationToken: cancellationToken);
                RememberShown(now);
                Print((verb == "/pause" ? "paused: " : "playing ") + StationText.NowPlaying(now));
                break;
            case "/seek":
                if (!TryParseTime(argument, out var seconds))
                {
                    Print("[yellow]/seek needs a time: 1:30, 0:05, 1:02:03 or 90 (seconds)[/]");
                    break;
                }
                Print("now playing " + StationText.NowPlaying(await client.CallAsync("seek", new { position = seconds }, cancellationToken: cancellationToken)));
                break;
            case "/status":
                PrintStatus(await client.CallAsync("status", cancellationToken: cancellationToken));
                break;
            case "/list":
                PrintList(await client.CallAsync("list", cancellationToken: cancellationToken));
                break;
            case "/help":
                Print($"[grey]{Markup.Escape(Help)}[/]");
                break;
            default:
                Print($"[yellow]unknown command {Markup.Escape(verb)}[/]; {Markup.Escape(Help)}");
                break;
        }
    }

    private async Task PromptAsync(string text, CancellationToken cancellationToken)
    {
        // The station announces the new track before it replies; the reply says it, once.
        _skipping = true;
        JsonElement reply;
        try { reply = await client.CallAsync("prompt", new { text }, cancellationToken: cancellationToken); }
        finally { _skipping = false; }
        // After a station restart the mood comes back with the connection.
        client.SetResumeCall("prompt", "prompt", new { text });
        lock (_printLock)
        {
            _shownTrack = TrackKey(StationText.Member(reply, "track"));
            StationText.PrintPrompt(console, reply);
        }
    }

    /// <summary>
    /// /skip answers with the track that follows: the reply may still name the old one (the next
    /// loads in the background), so wait briefly for the station's nowPlaying event.
    /// </summary>
    private async Task SkipAsync(CancellationToken cancellationToken)
    {
        var before = _shownTrack ?? _lastAnnounced;
        var changed = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(StationNotification n)
        {
            if (n.Method == "nowPlaying" && TrackKey(StationText.Member(n.Params, "track")) is { } key && key != before)
                changed.TrySetResult(n.Params);
        }
        client.NotificationReceived += OnChanged;
        try
        {
            _skipping = true;
            var reply = await client.CallAsync("skip", cancellationToken: cancellationToken);
            var next = TrackKey(StationText.Member(reply, "track")) is { } key && key != before ? reply
                : await changed.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : reply, TaskScheduler.Default);
            RememberShown(next);
            Print("skipped; now playing " + StationText.NowPlaying(next));
        }
        finally
        {
            _skipping = false;
            client.NotificationReceived -= OnChanged;
        }
    }

    private volatile string? _shownTrack;
    private volatile string? _lastAnnounced;
    private volatile bool _skipping; // a prompt or /skip is waiting for its reply, which names the track

    private void RememberShown(JsonElement now) => _shownTrack = TrackKey(StationText.Member(now, "track"));

    private static string? TrackKey(JsonElement? track) =>
        track is { ValueKind: JsonValueKind.Object } t ? $"{StationText.Text(t, "source")}/{StationText.Text(t, "id")}/{StationText.Text(t, "title")}" : null;

    /// <summary>"90", "90.5", "1:30", "1:02:03" → seconds.</summary>
    internal static bool TryParseTime(string text, out double seconds)
    {
        seconds = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var parts = text.Trim().Split(':');
        if (parts.Length > 3) return false;
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || !double.IsFinite(value))
                return false;
            seconds = seconds * 60 + value;
        }
        return parts.Length == 1 || parts.Skip(1).All(p => double.Parse(p, CultureInfo.InvariantCulture) < 60);
    }

    private void PrintStatus(JsonElement status)
    {
        Print($"state [bold]{Markup.Escape(StationText.Text(status, "state") ?? "?")}[/]  listeners {Markup.Escape(StationText.Text(status, "listeners") ?? "?")}" +
              $"  codec {Markup.Escape(StationText.Text(status, "codec") ?? "?")}  encrypted {Markup.Escape(StationText.Text(status, "encrypted") ?? "?")}");
        if (StationText.Member(status, "nowPlaying") is { } now) Print("now playing " + StationText.NowPlaying(now));
    }

    private void PrintList(JsonElement list)
    {
        Print("now playing " + StationText.Track(StationText.Member(list, "nowPlaying")));
        PrintTracks("queue", StationText.Member(list, "queue"));
        PrintTracks("history", StationText.Member(list, "history"));
    }

    private void PrintTracks(string title, JsonElement? tracks)
    {
        if (tracks is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            Print($"{title}: [grey]empty[/]");
            return;
        }
        Print($"{title}:");
        var i = 0;
        foreach (var track in array.EnumerateArray())
            Print($"  {++i}. {StationText.Track(track)}");
    }

    private void OnNotification(StationNotification notification)
    {
        switch (notification.Method)
        {
            case "nowPlaying":
                // Shown once per track: the reply to a prompt or /skip already said it.
                var key = TrackKey(StationText.Member(notification.Params, "track"));
                _lastAnnounced = key;
                if (_skipping || key is null || key == _shownTrack) break;
                _shownTrack = key;
                Print("♪ now playing " + StationText.NowPlaying(notification.Params));
                break;
            case "listenerCount":
                var max = StationText.Text(notification.Params, "max") is { } m ? $" of {m}" : "";
                Print($"[grey]listeners: {Markup.Escape(StationText.Text(notification.Params, "count") ?? "?")}{Markup.Escape(max)}[/]");
                break;
            case "error":
                Print($"[red]station error:[/] {Markup.Escape(StationText.Text(notification.Params, "message") ?? "?")}");
                break;
            default:
                var body = notification.Params.ValueKind == JsonValueKind.Undefined ? "" : notification.Params.GetRawText();
                Print($"[grey]event {Markup.Escape(notification.Method)} {Markup.Escape(body)}[/]");
                break;
        }
    }

    private void OnStateChanged(StationClientState state, string? reason)
    {
        switch (state)
        {
            case StationClientState.Reconnecting:
                _lost = true;
                Print($"[yellow]lost the station ({Markup.Escape(reason ?? "?")}); reconnecting…[/]");
                break;
            case StationClientState.Connected when _lost:
                _lost = false;
                var resumed = StationText.Member(client.LastHello, "resumed") is { ValueKind: JsonValueKind.True };
                Print("[green]reconnected[/]" + (resumed ? " (session resumed)" : " (new station session; your last prompt was sent again)"));
                break;
        }
    }

    private volatile bool _lost;

    private static string Describe(JsonElement hello)
        => $"{StationText.Text(hello, "station") ?? "station"} (protocol {StationText.Text(hello, "protocolVersion") ?? "?"}, " +
           $"{(StationText.Member(hello, "encrypted") is { ValueKind: JsonValueKind.True } ? "encrypted" : "NOT encrypted")}, " +
           $"{StationText.Text(hello, "listeners") ?? "?"} listener(s))";

    private void Print(string markup)
    {
        lock (_printLock) console.MarkupLine(markup);
    }
}
