using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Music;
using MoodDJ.Protocol;
using MoodDJ.Music;
using MoodDJ.Media.Srtp;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

// The station's JSON-RPC methods (docs/protocol.md, "Methods"). Every method but hello needs a
// hello first; parameters are by name, unknown members are ignored so newer clients keep working.
public sealed partial class LiveStation
{
    /// <summary>The protocol version hello reports; bump only for a change old clients cannot ignore.</summary>
    public const int ProtocolVersion = 1;

    private readonly ResumeBook _resumeBook = new(4096);
    private volatile bool _stopped;

    public async ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        object? result = method switch
        {
            "hello" or "auth" => Hello(session, parameters),
            "prompt" => await PromptAsync(Require(session), parameters, cancellationToken).ConfigureAwait(false),
            "skip" => await SkipAsync(Require(session), cancellationToken).ConfigureAwait(false),
            "pause" => SetPaused(Require(session), true),
            "resume" => SetPaused(Require(session), false),
            "seek" => await SeekAsync(Require(session), parameters, cancellationToken).ConfigureAwait(false),
            "stop" => Stop(Require(session)),
            "status" => Status(Require(session)),
            "list" => List(Require(session)),
            "subscribe" => Subscribe(session, Require(session), parameters),
            "unsubscribe" => Unsubscribe(Require(session), parameters),
            _ => throw JsonRpcException.MethodNotFound(method),
        };
        return JsonSerializer.SerializeToElement(result, JsonRpcWriter.SerializerOptions);
    }

    public ValueTask OnSessionClosedAsync(ControlSession session)
    {
        // Listeners outlive their control connection until their heartbeats stop: the music keeps
        // playing while a client reconnects.
        return ValueTask.CompletedTask;
    }

    private static StationSession Require(ControlSession session) =>
        session.Items.TryGetValue(StationSession.ItemKey, out var value) && value is StationSession state
            ? state
            : throw new JsonRpcException(JsonRpcErrorCodes.Unauthorized, "Call 'hello' first (with your client name) before any other method.");

    private HelloResult Hello(ControlSession session, JsonElement parameters)
    {
        var name = OptionalString(parameters, "client", 100) ?? "anonymous";
        var resume = OptionalString(parameters, "resumeToken", 100);
        var resumed = false;
        string token;
        if (resume is not null && _resumeBook.TryResume(resume, out var knownName))
        {
            token = resume;
            resumed = true;
            name = knownName;
        }
        else
        {
            token = _resumeBook.Issue(name);
        }
        session.Items[StationSession.ItemKey] = new StationSession { ClientName = name, ResumeToken = token };
        _log.LogInformation("Control session {Id} from {Remote} is '{Name}'{Resumed}.", session.Id, session.RemoteEndPoint, name, resumed ? " (resumed)" : "");
        return new HelloResult(session.Id.ToString(), token, resumed, "MoodDJ", ProtocolVersion, session.SecureChannel.IsEncrypted,
            _parts.Codec.EncodingName, _options.SampleRate, _options.Channels, Listeners.Count, NowPlaying());
    }

    private async Task<PromptResult> PromptAsync(StationSession state, JsonElement parameters, CancellationToken cancellationToken)
    {
        var text = RequiredString(parameters, "text", _options.MaxPromptChars);
        var mood = await _parts.Analyzer.AnalyzeAsync(text, cancellationToken).ConfigureAwait(false);
        Mood = mood;
        if (_pump is { } pump && _stopped)
        {
            // A prompt after stop starts the music again.
            pump.Paused = false;
            _stopped = false;
        }
        try
        {
            await _parts.Director.SetMoodAsync(mood, cancellationToken).ConfigureAwait(false);
        }
        catch (MusicSourceException e)
        {
            _control?.Broadcast("error", new ErrorEvent(e.Message));
            throw new JsonRpcException(JsonRpcErrorCodes.Unavailable, $"No music for that mood: {e.Message}");
        }
        if (_parts.Director.NowPlaying is null)
            await WaitForFirstTrackAsync(cancellationToken).ConfigureAwait(false);
        _log.LogInformation("'{Client}' prompted a {Mood} mood; now playing {Track}.", state.ClientName, mood.Label, _parts.Director.NowPlaying);
        _control?.Broadcast("nowPlaying", NowPlaying());
        return new PromptResult(MoodDto.From(mood)!, TrackDto.From(_parts.Director.NowPlaying));
    }

    /// <summary>
    /// When nothing was playing, the reply is more useful with the track that the prompt started:
    /// wait (briefly; the director loads in the background) for it to begin.
    /// </summary>
    private async Task WaitForFirstTrackAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, TrackChangedEventArgs e)
        {
            if (e.Current is not null) started.TrySetResult();
        }
        _parts.Director.TrackChanged += OnChanged;
        try
        {
            if (_parts.Director.NowPlaying is null)
                await started.Task.WaitAsync(_options.PromptReplyWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) { /* still loading: the nowPlaying event will tell */ }
        finally
        {
            _parts.Director.TrackChanged -= OnChanged;
        }
    }

    private async Task<NowPlayingEvent> SkipAsync(StationSession state, CancellationToken cancellationToken)
    {
        await _parts.Director.SkipAsync(cancellationToken).ConfigureAwait(false);
        return NowPlaying();
    }

    private NowPlayingEvent SetPaused(StationSession state, bool paused)
    {
        var pump = _pump ?? throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, "The station is not started.");
        if (pump.Paused == paused)
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, paused ? "Already paused." : "Not paused: nothing to resume.");
        pump.Paused = paused;
        _stopped = false;
        var now = NowPlaying();
        _control?.Broadcast("nowPlaying", now);
        return now;
    }

    private async Task<NowPlayingEvent> SeekAsync(StationSession state, JsonElement parameters, CancellationToken cancellationToken)
    {
        var seconds = RequiredDouble(parameters, "position");
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
            throw JsonRpcException.InvalidParams("'position' must be seconds from the start of the track, 0 or more.");
        if (_parts.Director.NowPlaying is null)
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, "Nothing is playing, so there is nothing to seek in.");
        try
        {
            await _parts.Director.SeekAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, e.Message);
        }
        catch (NotSupportedException e)
        {
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, $"This track cannot seek: {e.Message}");
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw JsonRpcException.InvalidParams(e.Message);
        }
        return NowPlaying();
    }

    /// <summary>Stops the music: silence until the next prompt or resume (the stream itself keeps its clock).</summary>
    private NowPlayingEvent Stop(StationSession state)
    {
        var pump = _pump ?? throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, "The station is not started.");
        pump.Paused = true;
        _stopped = true;
        var now = NowPlaying();
        _control?.Broadcast("nowPlaying", now);
        return now;
    }

    private StatusResult Status(StationSession state) => new(
        _pump is null || _stopped ? "stopped" : Paused ? "paused" : _parts.Director.NowPlaying is null ? "idle" : "playing",
        NowPlaying(), Listeners.Count, _options.MaxListeners, Uptime.TotalSeconds,
        _parts.Codec.EncodingName, _options.SampleRate, _options.Channels, IsEncrypted,
        new StationCountersDto(Counters.Frames, Counters.PacketsSent, Counters.SendErrors, Counters.FramesSkippedBusy, Counters.Heartbeats,
            Counters.HeartbeatJunk, Counters.UnknownTokens, Counters.StreamPortJunk, Listeners.ExpiredCount, Counters.LateWakes, Counters.Resyncs));

    private ListResult List(StationSession state) => new(
        _parts.Director.Queue.Select(t => TrackDto.From(t)!).ToArray(),
        _parts.Director.History.Select(p => TrackDto.From(p.Track)!).ToArray(),
        TrackDto.From(_parts.Director.NowPlaying));

    private bool IsEncrypted => _parts.Crypto.IsEncrypted;

    private SubscribeResult Subscribe(ControlSession session, StationSession state, JsonElement parameters)
    {
        if (OptionalBool(parameters, "multicast"))
            return SubscribeMulticast();
        var port = RequiredInt(parameters, "port", 1, 65535);
        var remote = session.RemoteEndPoint is IPEndPoint ip ? Normalize(ip.Address) : IPAddress.Loopback;
        var host = OptionalString(parameters, "host", 64);
        IPAddress target;
        if (host is null)
            target = remote;
        else if (!IPAddress.TryParse(host, out var parsed))
            throw JsonRpcException.InvalidParams($"'host' must be an IP address, not '{host}'.");
        else
            target = Normalize(parsed);
        if (!_options.AllowForeignListenerAddress && !target.Equals(remote))
            throw new JsonRpcException(JsonRpcErrorCodes.Unauthorized,
                $"A listener must be at your own address ({remote}), not {target} (station:allowForeignListenerAddress is false).");

        SrtpKeys? keys = null;
        IRtpProtector protector = ClearRtp.Instance;
        if (session.SecureChannel.IsEncrypted)
        {
            // One master key per control session, exported from its handshake: another listener
            // (with its own session) cannot decrypt this copy of the stream.
            keys = SrtpKeys.Derive(session.SecureChannel);
            protector = new SrtpProtector(keys);
        }

        var endPoint = new IPEndPoint(target, port);
        var listener = Listeners.TryAdd(state.ResumeToken, endPoint, protector, out var error)
            ?? throw new JsonRpcException(JsonRpcErrorCodes.ServerFull, error!);
        _log.LogInformation("'{Client}' subscribed {Listener} ({Count}/{Max}).", state.ClientName, listener, Listeners.Count, _options.MaxListeners);

        var srtp = keys is null ? null : new SrtpDto(SrtpProtector.Suite, "inline:" + keys.ToInlineBase64());
        return new SubscribeResult(
            HeartbeatDatagram.FormatToken(listener.Token), Ssrc, _parts.Codec.EncodingName, _packetizer!.PayloadType,
            _parts.Codec.RtpClockRate(_options.Format), _options.SampleRate, _options.Channels, _options.FrameMilliseconds,
            target.ToString(), port, StreamEndPoint.Port, HeartbeatEndPoint.Port,
            (int)_options.HeartbeatInterval.TotalMilliseconds, (int)_options.ListenerExpiry.TotalMilliseconds,
            srtp, DescribeStream(endPoint, keys));
    }

    private SubscribeResult SubscribeMulticast()
    {
        var group = _multicast ?? throw new JsonRpcException(JsonRpcErrorCodes.NotFound, "This station has no multicast group (station:multicastGroup).");
        var packetizer = _packetizer!;
        return new SubscribeResult("", Ssrc, _parts.Codec.EncodingName, packetizer.PayloadType, packetizer.ClockRate, _options.SampleRate,
            _options.Channels, _options.FrameMilliseconds, group.EndPoint.Address.ToString(), group.EndPoint.Port, StreamEndPoint.Port,
            HeartbeatEndPoint.Port, 0, 0,
            _multicastKeys is null ? null : new SrtpDto(SrtpKeys.Suite, "inline:" + _multicastKeys.ToInlineBase64()),
            DescribeMulticast()!);
    }

    private object Unsubscribe(StationSession state, JsonElement parameters)
    {
        var text = RequiredString(parameters, "token", 64);
        if (!HeartbeatDatagram.TryParseToken(text, out var token)
            || !Listeners.TryGet(token, out var listener) || listener!.SessionId != state.ResumeToken)
            throw new JsonRpcException(JsonRpcErrorCodes.NotFound, "No listener of yours has that token.");
        Listeners.Remove(token);
        return new { removed = true };
    }

    /// <summary>Now playing, as the nowPlaying event and status carry it.</summary>
    public NowPlayingEvent NowPlaying()
    {
        var director = _parts.Director;
        var track = director.NowPlaying;
        return new NowPlayingEvent(TrackDto.From(track), MoodDto.From(Mood), track is null ? null : director.Position.TotalSeconds, Paused);
    }

    private void OnTrackChanged(object? sender, TrackChangedEventArgs e)
    {
        _control?.Broadcast("nowPlaying", NowPlaying());
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    // Parameter readers: each names the parameter and what it must be.

    private static string RequiredString(JsonElement parameters, string name, int maxLength) =>
        OptionalString(parameters, name, maxLength) ?? throw JsonRpcException.InvalidParams($"'{name}' is required (a string).");

    private static string? OptionalString(JsonElement parameters, string name, int maxLength)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw JsonRpcException.InvalidParams($"'{name}' must be a string.");
        var text = value.GetString()!;
        if (text.Length > maxLength)
            throw JsonRpcException.InvalidParams($"'{name}' is {text.Length} characters; the limit is {maxLength}.");
        return text;
    }

    private static bool OptionalBool(JsonElement parameters, string name) =>
        parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var value)
        && (value.ValueKind == JsonValueKind.True || (value.ValueKind != JsonValueKind.False && value.ValueKind != JsonValueKind.Null
            ? throw JsonRpcException.InvalidParams($"'{name}' must be true or false.") : false));

    private static int RequiredInt(JsonElement parameters, string name, int min, int max)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value)
            || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
            throw JsonRpcException.InvalidParams($"'{name}' is required: a whole number {min}..{max}.");
        return number;
    }

    private static double RequiredDouble(JsonElement parameters, string name)
    {
        if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(name, out var value)
            || value.ValueKind != JsonValueKind.Number)
            throw JsonRpcException.InvalidParams($"'{name}' is required (a number).");
        return value.GetDouble();
    }
}
