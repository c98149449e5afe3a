namespace MoodDJ.Station.Rtsp;

/// <summary>
/// A station's RTSP players that are playing: the pump hands it each clear RTP packet (and each sender
/// report) after the fan-out, and it passes them on. An empty feed costs one array read per frame.
/// </summary>
public sealed class RtspFeed
{
    private readonly Lock _gate = new();
    private volatile RtspSession[] _playing = [];

    public int Playing => _playing.Length;

    public void OnFrame(ReadOnlySpan<byte> rtp)
    {
        foreach (var session in _playing)
            session.SendRtp(rtp);
    }

    public void OnSenderReport(ReadOnlySpan<byte> rtcp)
    {
        foreach (var session in _playing)
            session.SendRtcp(rtcp);
    }

    internal void Play(RtspSession session)
    {
        lock (_gate)
        {
            if (Array.IndexOf(_playing, session) < 0)
                _playing = [.. _playing, session];
            session.Playing = true;
        }
    }

    internal void Stop(RtspSession session)
    {
        lock (_gate)
        {
            _playing = Array.FindAll(_playing, s => s != session);
            session.Playing = false;
        }
    }
}
