using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station;

/// <summary>
/// Answers every control session of a server: hello routes the session to a station (its
/// <c>station</c> parameter, or the default one), and every later method goes to that station's
/// <see cref="PlaybackMethods"/> or <see cref="SubscriptionMethods"/>. Every method but hello needs
/// a hello first; parameters are by name, unknown members are ignored so newer clients keep working.
/// </summary>
internal sealed class StationControlHandler(StationRouter router, ILogger log, IReadOnlyList<IControlMethods>? extensions = null) : IControlHandler
{
    private readonly IReadOnlyList<IControlMethods> _extensions = extensions ?? [];

    private readonly ResumeBook _resumeBook = new(4096);

    public async ValueTask<JsonElement?> HandleAsync(ControlSession session, string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        foreach (var extension in _extensions)
            if (extension.Handles(method))
                return await extension.HandleAsync(session, method, parameters, cancellationToken).ConfigureAwait(false);
        if (method is StationMethods.Hello or StationMethods.Auth)
            return Serialize(await HelloAsync(session, parameters, cancellationToken).ConfigureAwait(false));
        var state = StationSession.Of(session)
            ?? throw new JsonRpcException(JsonRpcErrorCodes.Unauthorized, "Call 'hello' first (with your client name) before any other method.");
        var station = state.Station;
        foreach (var extension in _extensions)
            await extension.AuthorizeAsync(session, station, method, cancellationToken).ConfigureAwait(false);
        object result = method switch
        {
            StationMethods.Prompt => await station.Playback.PromptAsync(parameters, state.ClientName, cancellationToken).ConfigureAwait(false),
            StationMethods.Skip => await station.Playback.SkipAsync(cancellationToken).ConfigureAwait(false),
            StationMethods.Like => await station.Playback.LikeAsync(cancellationToken).ConfigureAwait(false),
            StationMethods.Dislike => await station.Playback.DislikeAsync(cancellationToken).ConfigureAwait(false),
            StationMethods.Pause => station.Playback.SetPaused(true),
            StationMethods.Resume => station.Playback.SetPaused(false),
            StationMethods.Seek => await station.Playback.SeekAsync(parameters, cancellationToken).ConfigureAwait(false),
            StationMethods.Stop => station.Playback.Stop(),
            StationMethods.Status => station.Playback.Status(),
            StationMethods.List => station.Playback.List(),
            StationMethods.Subscribe => station.Subscriptions.Subscribe(session, state, parameters),
            StationMethods.Unsubscribe => station.Subscriptions.Unsubscribe(state, parameters),
            StationMethods.SetVolume => station.Subscriptions.SetVolume(parameters),
            StationMethods.Report => station.Subscriptions.Report(state, parameters),
            StationMethods.MeshParents => station.Mesh.Parents(state, parameters),
            StationMethods.Talk => station.Talking.Talk(state, parameters),
            StationMethods.Catalog => await station.Playback.CatalogAsync(parameters, cancellationToken).ConfigureAwait(false),
            StationMethods.Play => await station.Playback.PlayAsync(parameters, cancellationToken).ConfigureAwait(false),
            _ => throw JsonRpcException.MethodNotFound(method),
        };
        return Serialize(result);
    }

    // Listeners outlive their control connection until their heartbeats stop: the music keeps
    // playing while a client reconnects. So closing a session needs nothing here but the extensions.
    public async ValueTask OnSessionClosedAsync(ControlSession session)
    {
        foreach (var extension in _extensions)
            await extension.OnSessionClosedAsync(session).ConfigureAwait(false);
    }

    private async Task<HelloResult> HelloAsync(ControlSession session, JsonElement parameters, CancellationToken cancellationToken)
    {
        var name = ParamReader.OptionalString(parameters, "client", 100) ?? "anonymous";
        var resume = ParamReader.OptionalString(parameters, "resumeToken", 100);
        var id = ParamReader.OptionalString(parameters, "station", 100);
        if (!router.TryResolve(id, out var station))
            throw new JsonRpcException(JsonRpcErrorCodes.NotFound,
                $"No station '{id}' here; this server has: {string.Join(", ", router.ListedIds)}.");
        foreach (var extension in _extensions)
            await extension.AuthorizeAsync(session, station!, StationMethods.Hello, cancellationToken).ConfigureAwait(false);
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
        session.Items[StationSession.ItemKey] = new StationSession { ClientName = name, ResumeToken = token, Station = station! };
        log.LogInformation("Control session {Id} from {Remote} is '{Name}' on station '{Station}'{Resumed}.",
            session.Id, session.RemoteEndPoint, name, station!.Id, resumed ? " (resumed)" : "");
        return new HelloResult(session.Id.ToString(), token, resumed, "MoodDJ", LiveStation.ProtocolVersion, session.SecureChannel.IsEncrypted,
            station.Parts.Codec.EncodingName, station.Options.SampleRate, station.Options.Channels, station.Listeners.Count, station.NowPlaying(),
            station.Id, router.ListedIds);
    }

    private static JsonElement Serialize(object result) => JsonSerializer.SerializeToElement(result, result.GetType(), JsonRpcWriter.SerializerOptions);
}
