using System.Globalization;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// What each RTSP method does (RFC 2326 §10): OPTIONS, DESCRIBE (the station's SDP), SETUP (a session
/// on UDP or interleaved TCP), PLAY and PAUSE (join and leave the live feed), TEARDOWN, and
/// GET_PARAMETER as a keep-alive. The URL's path names the station: / or /default for the default one.
/// </summary>
internal sealed class RtspMethods(StationRouter stations, RtspOptions options, RtspSessions sessions, RtspUdpPorts udp)
{
    public const string Track = "trackID=0";
    private const string Public = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER";

    public Task<RtspReply> HandleAsync(RtspRequest request, RtspConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult(request.Method switch
            {
                "OPTIONS" => new RtspReply(200).With("Public", Public),
                "DESCRIBE" => Describe(request),
                "SETUP" => Setup(request, connection),
                "PLAY" => Play(request, connection),
                "PAUSE" => Pause(request, connection),
                "TEARDOWN" => Teardown(request, connection),
                "GET_PARAMETER" or "SET_PARAMETER" => KeepAlive(request, connection),
                "ANNOUNCE" or "RECORD" => throw new RtspException(405, $"{request.Method} is not allowed: a MoodDJ station only sends"),
                _ => throw new RtspException(501, $"{request.Method} is not an RTSP method this server knows ({Public})"),
            });
        }
        catch (RtspException e)
        {
            var reply = RtspReply.Error(e.Status, e.Message);
            if (e.Status == 405) reply.With("Allow", Public);
            return Task.FromResult(reply);
        }
    }

    private RtspReply Describe(RtspRequest request)
    {
        var station = Resolve(request, allowTrack: false);
        var url = request.Url.TrimEnd('/');
        return new RtspReply(200, station.DescribeForRtsp(Track), "application/sdp").With("Content-Base", url + "/");
    }

    private RtspReply Setup(RtspRequest request, RtspConnection connection)
    {
        var station = Resolve(request, allowTrack: true);
        var transport = RtspTransport.Choose(request.Header("Transport"));
        if (request.Header("Session") is { } existing)
        {
            var session = Find(existing, connection);
            if (session.Station != station || session.Transport != transport)
                throw new RtspException(459, "a session carries one stream; TEARDOWN it first or SETUP without a Session header");
            return SessionReply(session);
        }
        var created = sessions.TryCreate(station, transport, connection, udp)
            ?? throw new RtspException(453, $"this server already serves rtsp:maxSessions ({options.MaxSessions}) players");
        return SessionReply(created);
    }

    private RtspReply SessionReply(RtspSession session) => new RtspReply(200)
        .With("Transport", session.Transport.Describe(udp.RtpPort, udp.RtcpPort, session.Station.Ssrc))
        .With("Session", FormattableString.Invariant($"{session.Id};timeout={options.SessionTimeoutSeconds}"));

    private RtspReply Play(RtspRequest request, RtspConnection connection)
    {
        var session = Find(request.Header("Session"), connection);
        if (request.Header("Range") is { } range && !range.StartsWith("npt=now", StringComparison.OrdinalIgnoreCase)
            && !range.StartsWith("npt=0", StringComparison.OrdinalIgnoreCase))
            throw new RtspException(457, $"'{range}': a live station plays from now (Range: npt=now-)");
        session.Station.Rtsp.Play(session);
        return new RtspReply(200).With("Session", session.Id).With("Range", "npt=now-");
    }

    private RtspReply Pause(RtspRequest request, RtspConnection connection)
    {
        var session = Find(request.Header("Session"), connection);
        session.Station.Rtsp.Stop(session);
        return new RtspReply(200).With("Session", session.Id);
    }

    private RtspReply Teardown(RtspRequest request, RtspConnection connection)
    {
        var session = Find(request.Header("Session"), connection);
        sessions.End(session);
        return new RtspReply(200);
    }

    private RtspReply KeepAlive(RtspRequest request, RtspConnection connection)
    {
        if (request.Header("Session") is { } id) Find(id, connection);
        return new RtspReply(200);
    }

    /// <summary>The session named in the request, which must belong to this connection (ids are not shared across players).</summary>
    private static RtspSession Find(string? header, RtspConnection connection)
    {
        if (string.IsNullOrWhiteSpace(header)) throw new RtspException(454, "the request needs the Session header its SETUP returned");
        var id = header.Split(';')[0].Trim();
        if (!connection.TryGet(id, out var session)) throw new RtspException(454, $"no session '{(id.Length > 40 ? id[..40] + "…" : id)}' on this connection");
        session!.Touch();
        return session;
    }

    /// <summary>The station the URL's path names: /, /default, /&lt;id&gt;, each optionally followed by /trackID=0.</summary>
    private LiveStation Resolve(RtspRequest request, bool allowTrack)
    {
        var path = request.Path.Trim('/');
        if (allowTrack && (path == Track || path.EndsWith("/" + Track, StringComparison.Ordinal)))
            path = path[..^Track.Length].TrimEnd('/');
        if (path.Contains('/'))
            throw new RtspException(404, $"'{request.Path}' is not a station (rtsp://host:port/<station>)");
        if (!stations.TryResolve(path, out var station))
            throw new RtspException(404, string.Create(CultureInfo.InvariantCulture,
                $"no station '{path}' here; stations: {string.Join(", ", stations.Ids)}"));
        return station!;
    }
}
