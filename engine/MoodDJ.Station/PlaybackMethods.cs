using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station;

/// <summary>
/// One station's playback methods (docs/protocol.md, "Methods"): prompt, skip, like, dislike, pause, resume,
/// seek, stop, status and list. Each answers with a typed result from MoodDJ.Protocol.Messages.
/// </summary>
internal sealed class PlaybackMethods(LiveStation station, ILogger log)
{
    // Prompts set the mood one at a time, so a resumed mood can check that no client prompted first.
    private readonly SemaphoreSlim _moodGate = new(1, 1);

    private MusicDirector Director => station.Parts.Director;

    public async Task<PromptResult> PromptAsync(JsonElement parameters, string clientName, CancellationToken cancellationToken) =>
        (await PromptAsync(clientName, ParamReader.RequiredString(parameters, "text", station.Options.MaxPromptChars), cancellationToken, onlyIfNoMoodYet: false)
            .ConfigureAwait(false))!;

    /// <summary>
    /// Reads the mood of <paramref name="text"/> and plays music for it. With <paramref name="onlyIfNoMoodYet"/>
    /// (resuming after a restart) nothing happens when a client has already prompted; returns null then.
    /// </summary>
    public async Task<PromptResult?> PromptAsync(string clientName, string text, CancellationToken cancellationToken, bool onlyIfNoMoodYet)
    {
        var mood = await station.Parts.Analyzer.AnalyzeAsync(text, cancellationToken).ConfigureAwait(false);
        await _moodGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (onlyIfNoMoodYet && station.Mood is not null)
                return null;
            station.Mood = mood;
            if (station.IsStarted && station.Stopped)
            {
                // A prompt after stop starts the music again.
                station.Pump.Paused = false;
                station.Stopped = false;
            }
            await Director.SetMoodAsync(mood, cancellationToken).ConfigureAwait(false);
        }
        catch (MusicSourceException e)
        {
            station.Broadcast(StationMethods.Error, new ErrorEvent(e.Message));
            throw new JsonRpcException(JsonRpcErrorCodes.Unavailable, $"No music for that mood: {e.Message}");
        }
        finally
        {
            _moodGate.Release();
        }
        station.OnMoodChanged(clientName, text, mood);
        if (Director.NowPlaying is null)
            await WaitForFirstTrackAsync(cancellationToken).ConfigureAwait(false);
        log.LogInformation("'{Client}' prompted a {Mood} mood on '{Station}'; now playing {Track}.", clientName, mood.Label, station.Id, Director.NowPlaying);
        station.Broadcast(StationMethods.NowPlaying, station.NowPlaying());
        return new PromptResult(MoodDto.From(mood)!, TrackDto.From(Director.NowPlaying));
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
        Director.TrackChanged += OnChanged;
        try
        {
            if (Director.NowPlaying is null)
                await started.Task.WaitAsync(station.Options.PromptReplyWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) { /* still loading: the nowPlaying event will tell */ }
        finally
        {
            Director.TrackChanged -= OnChanged;
        }
    }

    public async Task<NowPlayingEvent> SkipAsync(CancellationToken cancellationToken)
    {
        await Director.SkipAsync(cancellationToken).ConfigureAwait(false);
        return station.NowPlaying();
    }

    public async Task<LikeResult> LikeAsync(CancellationToken cancellationToken)
    {
        var track = await Director.LikeAsync(cancellationToken).ConfigureAwait(false) ?? throw NothingToRate("like");
        return new LikeResult(TrackDto.From(track)!, MoodName());
    }

    /// <summary>Dislike = skip and never again for this mood; the reply carries the track that plays now.</summary>
    public async Task<DislikeResult> DislikeAsync(CancellationToken cancellationToken)
    {
        var mood = MoodName();
        var track = await Director.DislikeAsync(cancellationToken).ConfigureAwait(false) ?? throw NothingToRate("dislike");
        // The director's track change already told every client what plays now.
        return new DislikeResult(TrackDto.From(track)!, mood, station.NowPlaying());
    }

    private string MoodName() => station.Mood?.Label.ToString().ToLowerInvariant() ?? "";

    private static JsonRpcException NothingToRate(string verb) =>
        new(JsonRpcErrorCodes.InvalidState, $"Nothing is playing for a mood yet, so there is nothing to {verb}; send a prompt first.");

    public NowPlayingEvent SetPaused(bool paused)
    {
        var pump = station.IsStarted ? station.Pump : throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, "The station is not started.");
        if (pump.Paused == paused)
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, paused ? "Already paused." : "Not paused: nothing to resume.");
        pump.Paused = paused;
        station.RequestFlush();
        station.Stopped = false;
        var now = station.NowPlaying();
        station.Broadcast(StationMethods.NowPlaying, now);
        return now;
    }

    /// <summary>catalog: what the station's sources offer for a mood (the given text's, else the present one): a room's "what can I play".</summary>
    public async Task<CatalogResult> CatalogAsync(JsonElement parameters, CancellationToken cancellationToken)
    {
        var text = ParamReader.OptionalString(parameters, "mood", station.Options.MaxPromptChars);
        var count = ParamReader.TryGetElement(parameters, "count", out _) ? ParamReader.RequiredInt(parameters, "count", 1, 100) : 20;
        var mood = string.IsNullOrWhiteSpace(text) ? null : await station.Parts.Analyzer.AnalyzeAsync(text, cancellationToken).ConfigureAwait(false);
        var tracks = await Director.CatalogAsync(mood, count, cancellationToken).ConfigureAwait(false);
        return new CatalogResult(MoodDto.From(mood ?? station.Mood), [.. tracks.Select(t => TrackDto.From(t)!)]);
    }

    /// <summary>play: a track from the catalog (or the queue) now, from <c>position</c> seconds.</summary>
    public async Task<NowPlayingEvent> PlayAsync(JsonElement parameters, CancellationToken cancellationToken)
    {
        var source = ParamReader.RequiredString(parameters, "source", 200);
        var id = ParamReader.RequiredString(parameters, "id", 4096);
        var seconds = ParamReader.TryGetElement(parameters, "position", out _) ? ParamReader.RequiredDouble(parameters, "position") : 0;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
            throw JsonRpcException.InvalidParams("'position' must be seconds from the start of the track, 0 or more.");
        try
        {
            if (station.IsStarted && (station.Stopped || station.Paused))
                throw new InvalidOperationException("The station is paused or stopped; resume it first.");
            await Director.PlayAsync(source, id, TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException e) { throw new JsonRpcException(JsonRpcErrorCodes.NotFound, e.Message); }
        catch (ArgumentOutOfRangeException e) { throw JsonRpcException.InvalidParams(e.Message); }
        catch (NotSupportedException e) { throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, $"The track started, but cannot start at {seconds} s: {e.Message}"); }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, e.Message); }
        return station.NowPlaying();
    }

    public async Task<NowPlayingEvent> SeekAsync(JsonElement parameters, CancellationToken cancellationToken)
    {
        var seconds = ParamReader.RequiredDouble(parameters, "position");
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.FromDays(1).TotalSeconds)
            throw JsonRpcException.InvalidParams("'position' must be seconds from the start of the track, 0 or more.");
        if (Director.NowPlaying is null)
            throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, "Nothing is playing, so there is nothing to seek in.");
        try
        {
            await Director.SeekAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
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
        station.RequestFlush();   // what players queued from the old position is dropped, not heard for a play-out delay
        return station.NowPlaying();
    }

    /// <summary>Stops the music: silence until the next prompt or resume (the stream itself keeps its clock).</summary>
    public NowPlayingEvent Stop()
    {
        var pump = station.IsStarted ? station.Pump : throw new JsonRpcException(JsonRpcErrorCodes.InvalidState, "The station is not started.");
        pump.Paused = true;
        station.RequestFlush();
        station.Stopped = true;
        var now = station.NowPlaying();
        station.Broadcast(StationMethods.NowPlaying, now);
        return now;
    }

    public StatusResult Status()
    {
        var c = station.Counters;
        var ports = station.PortCounters;
        var options = station.Options;
        var state = !station.IsStarted || station.Stopped ? "stopped" : station.Paused ? "paused" : Director.NowPlaying is null ? "idle" : "playing";
        return new StatusResult(state, station.NowPlaying(), station.Listeners.Count, options.MaxListeners, station.Uptime.TotalSeconds,
            station.Parts.Codec.EncodingName, options.SampleRate, options.Channels, station.Parts.Crypto.IsEncrypted,
            new StationCountersDto(c.Frames, c.PacketsSent, c.SendErrors, c.FramesSkippedBusy, ports.Heartbeats,
                ports.HeartbeatJunk, ports.UnknownTokens, ports.StreamPortJunk, station.Listeners.ExpiredCount, c.LateWakes, c.Resyncs, c.TalkFrames),
            station.Mesh.Status(station.Egress));
    }

    public ListResult List() => new(
        Director.Queue.Select(t => TrackDto.From(t)!).ToArray(),
        Director.History.Select(p => TrackDto.From(p.Track)!).ToArray(),
        TrackDto.From(Director.NowPlaying));
}
