using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// The optional RTSP endpoint (the <c>rtsp</c> section): plain RTP for players that already exist (VLC,
/// ffplay, mpv, GStreamer). Off by default, because RTSP's RTP is unencrypted.
/// </summary>
public sealed class RtspOptions
{
    /// <summary>Whether `mooddj server` serves rtsp://host:port/&lt;station&gt; (also `--rtsp`).</summary>
    public bool Enabled { get; set; }

    /// <summary>TCP port for RTSP requests (the RTP/RTCP UDP pair is picked by the server and named in each SETUP reply).</summary>
    public int Port { get; set; } = 8554;

    /// <summary>Players served at once; the next SETUP gets 453 Not Enough Bandwidth.</summary>
    public int MaxSessions { get; set; } = 64;

    /// <summary>RTSP connections open at once; more are closed at once.</summary>
    public int MaxConnections { get; set; } = 128;

    /// <summary>A session with no request and no RTCP for this long is dropped (announced as Session: id;timeout=N).</summary>
    public int SessionTimeoutSeconds { get; set; } = 60;

    /// <summary>Largest request (request line, headers and body) a client may send.</summary>
    public int MaxRequestBytes { get; set; } = 8192;

    /// <summary>Interleaved (RTP over the RTSP TCP connection) packets queued for a slow reader before new ones are dropped.</summary>
    public int MaxQueuedPackets { get; set; } = 256;

    public static RtspOptions From(IConfiguration configuration)
    {
        var options = SettingsBinder.Bind<RtspOptions>(configuration.GetSection("rtsp"), "rtsp");
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="SettingsException"/> naming the first bad key.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) Fail("port", $"{Port} is not a port (0..65535; 0 picks a free one)");
        if (MaxSessions is < 1 or > 10_000) Fail("maxSessions", "must be 1..10000");
        if (MaxConnections is < 1 or > 10_000) Fail("maxConnections", "must be 1..10000");
        if (SessionTimeoutSeconds is < 5 or > 3600) Fail("sessionTimeoutSeconds", "must be 5..3600");
        if (MaxRequestBytes is < 512 or > 1 << 20) Fail("maxRequestBytes", "must be 512..1048576");
        if (MaxQueuedPackets is < 8 or > 65_536) Fail("maxQueuedPackets", "must be 8..65536");
    }

    private static void Fail(string key, string what) => throw new SettingsException($"rtsp:{key}", $"rtsp:{key} {what}.");
}
