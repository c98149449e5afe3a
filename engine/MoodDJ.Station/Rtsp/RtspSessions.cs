using System.Net;

namespace MoodDJ.Station.Rtsp;

/// <summary>Every RTSP session of the server: created by SETUP up to rtsp:maxSessions, ended by TEARDOWN, by their connection closing, or by silence.</summary>
internal sealed class RtspSessions(RtspOptions options)
{
    private readonly Lock _gate = new();
    private readonly List<RtspSession> _all = [];

    public int Count
    {
        get { lock (_gate) return _all.Count; }
    }

    public RtspSession? TryCreate(LiveStation station, RtspTransport transport, RtspConnection connection, RtspUdpPorts udp)
    {
        lock (_gate)
        {
            if (_all.Count >= options.MaxSessions) return null;
            var session = new RtspSession(station, transport, connection.Remote, connection, udp);
            _all.Add(session);
            connection.Add(session);
            return session;
        }
    }

    public void End(RtspSession session)
    {
        session.Station.Rtsp.Stop(session);
        session.Connection.Remove(session);
        lock (_gate) _all.Remove(session);
    }

    /// <summary>Ends the sessions silent for longer than rtsp:sessionTimeoutSeconds; returns how many.</summary>
    public int ExpireSilent()
    {
        RtspSession[] silent;
        lock (_gate) silent = _all.Where(s => s.Silence.TotalSeconds > options.SessionTimeoutSeconds).ToArray();
        foreach (var session in silent) End(session);
        return silent.Length;
    }

    /// <summary>A receiver report arrived over UDP from <paramref name="source"/>: its session is alive.</summary>
    public void TouchFrom(IPEndPoint source)
    {
        lock (_gate)
            foreach (var session in _all)
                if (source.Equals(session.RtcpSource)) session.Touch();
    }
}
