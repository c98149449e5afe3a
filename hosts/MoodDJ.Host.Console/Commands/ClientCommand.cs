using System.CommandLine;
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
        var command = new Command("client", "Talk to a running station: type how you feel; /skip, /like, /dislike, /pause, /resume, /seek 1:30, /stop, /volume NAME 50, /mute NAME, /status, /list, /catalog, /play N, /quit; rooms: /register, /login, /rooms, /create, /join, /say, /who, /history, /online, /away, /invisible.") { server, join, name };
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
                await using var client = new StationControlClient(context.Engine.ControlTransport, context.Engine.Crypto, options,
                    context.Verbose ? context.LoggerFactory.CreateLogger<StationClient>() : null);
                var session = new InteractiveClient(client, System.Console.In, StationText.Console(), target.EndPoint);
                return await session.RunAsync(token);
            }, ct, prepare: target.Prepare);
        });
        return command;
    }
}

/// <summary>The read–call–print loop of `mooddj client`, over any reader and console (so it can be tested).</summary>
internal sealed class InteractiveClient(StationControlClient client, TextReader input, IAnsiConsole console, System.Net.EndPoint? address = null)
{
    private const string Help = "type how you feel, or: /text <words>  /skip  /like  /dislike  /pause  /resume  /seek <m:ss>  /stop  " +
                                "/volume <listener> <0-100>  /mute <listener>  /unmute <listener>  /status  /list  /catalog [mood]  /play <n> [m:ss]  /help  /quit";
    private readonly object _printLock = new();
    // The last volume set per listener name, so /mute and /unmute keep it.
    private readonly Dictionary<string, int> _volumes = new(StringComparer.OrdinalIgnoreCase);
    private ClientRooms? _rooms;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        client.NowPlayingChanged += OnNowPlaying;
        client.ListenerCountChanged += e => Print($"[grey]listeners: {e.Count} of {e.Max}[/]");
        client.ListenerJoined += e => Print($"[grey]listener {Markup.Escape(e.Name)} joined from {Markup.Escape(e.Address)}[/]");
        client.ListenerLeft += e => Print($"[grey]listener {Markup.Escape(e.Name)} left ({Markup.Escape(e.Reason ?? "?")})[/]");
        client.ErrorReceived += e => Print($"[red]station error:[/] {Markup.Escape(e.Message)}");
        client.Connection.StateChanged += OnStateChanged;
        _rooms = new ClientRooms(client.Connection, Print);
        _rooms.Attach();
        var hello = await client.ConnectAsync(cancellationToken);
        Print($"[green]connected[/] to {Markup.Escape(Describe(hello, address))}");
        if (hello.NowPlaying is { } now)
        {
            _lastAnnounced = TrackKey(now.Track);
            RememberShown(now);
            Print("now playing " + StationText.NowPlaying(now));
        }
        Print($"[grey]{Markup.Escape(Help)}[/]");
        Print($"[grey]{Markup.Escape(ClientRooms.Help)}[/]");

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
                Print($"[red]station says:[/] {Markup.Escape(e.Message)}{Markup.Escape(HintFor(e))}");
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
                await ChangeTrackAsync(async () => await client.SkipAsync(cancellationToken), "skipped; now playing ", cancellationToken);
                break;
            case "/like":
                var liked = await client.LikeAsync(cancellationToken);
                Print($"liked {StationText.Track(liked.Track)} for the {Markup.Escape(liked.Mood)} mood");
                break;
            case "/dislike":
                DislikeResult? disliked = null;
                await ChangeTrackAsync(async () => (disliked = await client.DislikeAsync(cancellationToken)).NowPlaying,
                    () => $"disliked {StationText.Track(disliked!.Track)} (never again for the {Markup.Escape(disliked.Mood)} mood); now playing ", cancellationToken);
                break;
            case "/stop":
                await client.StopAsync(cancellationToken);
                Print("[yellow]stopped[/] [grey](a prompt or /resume starts the music again)[/]");
                break;
            case "/pause":
            case "/resume":
                var now = verb == "/pause" ? await client.PauseAsync(cancellationToken) : await client.ResumeAsync(cancellationToken);
                RememberShown(now);
                Print((verb == "/pause" ? "paused: " : "playing ") + StationText.NowPlaying(now));
                break;
            case "/seek":
                if (!ClientText.TryParseTime(argument, out var seconds))
                {
                    Print("[yellow]/seek needs a time: 1:30, 0:05, 1:02:03 or 90 (seconds)[/]");
                    break;
                }
                Print("now playing " + StationText.NowPlaying(await client.SeekAsync(TimeSpan.FromSeconds(seconds), cancellationToken)));
                break;
            case "/volume":
            case "/mute":
            case "/unmute":
                await VolumeAsync(verb, argument, cancellationToken);
                break;
            case "/status":
                foreach (var text in ClientText.Status(await client.StatusAsync(cancellationToken))) Print(text);
                break;
            case "/list":
                foreach (var text in ClientText.List(await client.ListAsync(cancellationToken))) Print(text);
                break;
            case "/catalog":
                var catalog = await client.CatalogAsync(argument.Length == 0 ? null : argument, 10, cancellationToken);
                _catalog = catalog.Tracks;
                Print($"for the {Markup.Escape(catalog.Mood?.Label ?? "neutral")} mood ([grey]/play N [[m:ss]][/] plays one):");
                for (var i = 0; i < catalog.Tracks.Count; i++) Print($"  {i + 1,2}. {StationText.Track(catalog.Tracks[i])}");
                break;
            case "/play":
                await PlayAsync(argument, cancellationToken);
                break;
            case "/help":
                Print($"[grey]{Markup.Escape(Help)}[/]");
                break;
            default:
                if (!await _rooms!.TryExecuteAsync(verb, argument, cancellationToken))
                    Print($"[yellow]unknown command {Markup.Escape(verb)}[/]; {Markup.Escape(Help)}");
                break;
        }
    }

    /// <summary>/play N [m:ss]: the Nth track of the last /catalog, now, from that time.</summary>
    private async Task PlayAsync(string argument, CancellationToken cancellationToken)
    {
        var parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2 || !int.TryParse(parts[0], out var n) || n < 1 || n > _catalog.Count)
        {
            Print(_catalog.Count == 0 ? "[yellow]/catalog first, then /play N [[m:ss]][/]" : $"[yellow]/play needs a number 1..{_catalog.Count} from the catalog, and may take a time: /play 3 1:30[/]");
            return;
        }
        double seconds = 0;
        if (parts.Length == 2 && !ClientText.TryParseTime(parts[1], out seconds))
        {
            Print("[yellow]/play's time is m:ss, h:mm:ss or seconds, e.g. /play 3 1:30[/]");
            return;
        }
        await ChangeTrackAsync(async () => await client.PlayAsync(_catalog[n - 1], TimeSpan.FromSeconds(seconds), cancellationToken), "now playing ", cancellationToken);
    }

    /// <summary>/volume NAME 50, /mute NAME, /unmute NAME: the station tells that listener's player, which applies it.</summary>
    private async Task VolumeAsync(string verb, string argument, CancellationToken cancellationToken)
    {
        string name;
        int volume;
        if (verb == "/volume")
        {
            var last = argument.LastIndexOf(' ');
            if (last < 0 || !int.TryParse(argument[(last + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out volume)
                || volume > 100)
            {
                Print("[yellow]/volume needs a listener and 0..100, e.g. /volume kitchen 50[/]");
                return;
            }
            name = argument[..last].Trim();
        }
        else
        {
            name = argument;
            if (name.Length == 0)
            {
                Print($"[yellow]{verb} needs a listener's name, e.g. {verb} kitchen[/]");
                return;
            }
            lock (_volumes) volume = _volumes.GetValueOrDefault(name, 100);
        }
        var muted = verb == "/mute";
        var reply = await client.SetVolumeAsync(name, volume, muted, cancellationToken);
        lock (_volumes) _volumes[name] = volume;
        var what = muted ? "muted" : $"volume {volume} %";
        Print($"{Markup.Escape(name)}: {what} ({reply.Listeners} listener{(reply.Listeners == 1 ? "" : "s")})");
    }

    private async Task PromptAsync(string text, CancellationToken cancellationToken)
    {
        // The station announces the new track before it replies; the reply says it, once.
        _skipping = true;
        PromptResult reply;
        try { reply = await client.PromptAsync(text, resumeAfterReconnect: true, cancellationToken); } // replayed after a station restart
        finally { _skipping = false; }
        lock (_printLock)
        {
            _shownTrack = TrackKey(reply.Track);
            StationText.PrintPrompt(console, reply);
        }
    }

    private Task ChangeTrackAsync(Func<Task<NowPlayingEvent>> call, string said, CancellationToken cancellationToken) =>
        ChangeTrackAsync(call, () => said, cancellationToken);

    /// <summary>
    /// /skip and /dislike answer with the track that follows: the reply may still name the old one
    /// (the next loads in the background), so wait briefly for the station's nowPlaying event.
    /// </summary>
    private async Task ChangeTrackAsync(Func<Task<NowPlayingEvent>> call, Func<string> said, CancellationToken cancellationToken)
    {
        var before = _shownTrack ?? _lastAnnounced;
        var changed = new TaskCompletionSource<NowPlayingEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(NowPlayingEvent e)
        {
            if (TrackKey(e.Track) is { } key && key != before) changed.TrySetResult(e);
        }
        client.NowPlayingChanged += OnChanged;
        try
        {
            _skipping = true;
            var reply = await call();
            var next = TrackKey(reply.Track) is { } key && key != before ? reply
                : await changed.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : reply, TaskScheduler.Default);
            RememberShown(next);
            Print(said() + StationText.NowPlaying(next));
        }
        finally
        {
            _skipping = false;
            client.NowPlayingChanged -= OnChanged;
        }
    }

    private volatile string? _shownTrack;
    private volatile string? _lastAnnounced;
    private IReadOnlyList<TrackDto> _catalog = [];
    private volatile bool _skipping; // a prompt, /skip or /dislike is waiting for its reply, which names the track

    private void RememberShown(NowPlayingEvent now) => _shownTrack = TrackKey(now.Track);

    private static string? TrackKey(TrackDto? track) => track is null ? null : $"{track.Source}/{track.Id}/{track.Title}";

    private void OnNowPlaying(NowPlayingEvent now)
    {
        // Shown once per track: the reply to a prompt, /skip or /dislike already said it.
        var key = TrackKey(now.Track);
        _lastAnnounced = key;
        if (_skipping || key is null || key == _shownTrack) return;
        _shownTrack = key;
        Print("♪ now playing " + StationText.NowPlaying(now));
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
                var resumed = client.LastHello?.Resumed == true;
                Print("[green]reconnected[/]" + (resumed ? " (session resumed)" : " (new station session; your last prompt was sent again)"));
                break;
        }
    }

    private volatile bool _lost;

    // The station's name and where it is: "station 'MoodDJ' at 127.0.0.1:7700 (protocol 1, ...)".
    private static string Describe(HelloResult hello, System.Net.EndPoint? address)
        => $"station '{hello.Station}'{address switch { null => "", System.Net.DnsEndPoint d => $" at {d.Host}:{d.Port}", _ => $" at {address}" }} (protocol {hello.ProtocolVersion}, {(hello.Encrypted ? "encrypted" : "NOT encrypted")}, {hello.Listeners} listener(s))";

    /// <summary>The server's messages name no client's commands; this one adds its own where they help.</summary>
    private static string HintFor(JsonRpcException e) => e.Code switch
    {
        JsonRpcErrorCodes.Unauthorized => " (/login <user> <password>, or /register first)",
        JsonRpcErrorCodes.NotFound when e.Message.StartsWith("There is no room", StringComparison.Ordinal) => " (/rooms lists them)",
        _ => "",
    };

    private void Print(string markup)
    {
        lock (_printLock) console.MarkupLine(markup);
    }
}
