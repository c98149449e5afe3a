using System.Net;
using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Settings;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>
/// The <c>station</c> section of mooddj.json: where the station listens, how long listeners live
/// without a heartbeat, how many it serves, and the audio it sends. Every limit is explicit.
/// </summary>
public sealed class StationOptions
{
    /// <summary>Address every station socket binds to.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>The station key (base64 of 32 bytes) that the crypto plugins read as station:key; listed here so the section's keys are checked in one place.</summary>
    public string? Key { get; set; }

    public int ControlPort { get; set; } = 5678;

    /// <summary>RTP leaves from this port (RTCP sender reports from the next one).</summary>
    public int StreamPort { get; set; } = 5680;

    /// <summary>Listeners send heartbeats here.</summary>
    public int HeartbeatPort { get; set; } = 5690;

    /// <summary>Control connections the station accepts at once.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>A control connection that sends nothing for this long is closed (clients ping to stay).</summary>
    public double IdleTimeoutSeconds { get; set; } = 60;

    /// <summary>A client must finish the crypto handshake within this.</summary>
    public double HandshakeTimeoutSeconds { get; set; } = 5;

    /// <summary>How often a listener should send a heartbeat (told to it when it subscribes).</summary>
    public double HeartbeatIntervalSeconds { get; set; } = 2;

    /// <summary>A listener silent for this long stops receiving and is forgotten.</summary>
    public double ListenerExpirySeconds { get; set; } = 10;

    /// <summary>Listeners the station feeds at once; a subscribe beyond this is refused.</summary>
    public int MaxListeners { get; set; } = 1024;

    /// <summary>Listeners one control session may hold (several players behind one client).</summary>
    public int MaxListenersPerSession { get; set; } = 8;

    /// <summary>When false (the default) a listener must be at the control connection's own IP, so nobody can aim the stream at a third party.</summary>
    public bool AllowForeignListenerAddress { get; set; }

    /// <summary>People who may talk over the music at once (push to talk); 0 turns talking off.</summary>
    public int MaxTalkers { get; set; } = 2;

    /// <summary>How far the music is turned down while someone talks, in dB (negative).</summary>
    public double TalkDuckDecibels { get; set; } = -12;

    /// <summary>Voice a talker must have queued before it sounds, so the control channel's jitter does not chop it.</summary>
    public int TalkPrefillMilliseconds { get; set; } = 60;

    /// <summary>Audio frame length in milliseconds (one RTP packet per frame): 20 for Opus; 10 for L16 when use:codec is pcm.</summary>
    public int FrameMilliseconds { get; set; } = 20;

    /// <summary>PCM sample rate the station plays at: 48000 for Opus; the seed's 44100 when use:codec is pcm.</summary>
    public int SampleRate { get; set; } = 48000;

    /// <summary>2 for Opus (music in stereo); 1 when use:codec is pcm (the seed's mono L16).</summary>
    public int Channels { get; set; } = 2;

    /// <summary>
    /// If the pump falls behind real time by more than this (a paused VM, a GC storm), it drops the
    /// missed time instead of bursting it out.
    /// </summary>
    public int MaxCatchUpMilliseconds { get; set; } = 200;

    /// <summary>Frames the pump may send back to back while catching up after a late wake-up.</summary>
    public int MaxFramesPerWake { get; set; } = 3;

    /// <summary>RTCP sender report period (a new listener also gets one at once).</summary>
    public double RtcpIntervalSeconds { get; set; } = 1;

    /// <summary>
    /// The play-out delay every player adds to a frame's capture time (synchronized play-out) until
    /// listeners have reported what their jitter needs; then the station follows the largest need.
    /// </summary>
    public int PlayoutDelayMilliseconds { get; set; } = 80;

    /// <summary>The adaptive play-out delay's floor (a quiet wire).</summary>
    public int PlayoutDelayMinMilliseconds { get; set; } = 20;

    /// <summary>The adaptive play-out delay's ceiling (a bad wire: more delay, fewer gaps).</summary>
    public int PlayoutDelayMaxMilliseconds { get; set; } = 500;

    /// <summary>Optional UDP multicast group (e.g. 239.255.42.1) also fed with one shared SRTP key; empty for none.</summary>
    public string? MulticastGroup { get; set; }

    public int MulticastPort { get; set; } = 5682;

    public int MulticastTimeToLive { get; set; } = 1;

    /// <summary>Where `mooddj server` writes the station's SDP (without keys); empty for the temp folder.</summary>
    public string? SdpPath { get; set; }

    /// <summary>
    /// Where the station keeps its last prompt so it resumes that mood after a restart; empty for
    /// the default, $XDG_STATE_HOME/mooddj/station-state.json (~/.local/state/mooddj/… without it).
    /// </summary>
    public string? StateFile { get; set; }

    /// <summary>Whether the station remembers its last prompt and plays that mood again after a restart.</summary>
    public bool ResumeLastMood { get; set; } = true;

    /// <summary>The state file's path: <see cref="StateFile"/>, or the default in the user's XDG state folder.</summary>
    public string StateFilePath => string.IsNullOrWhiteSpace(StateFile) ? StationStateStore.DefaultPath() : StateFile;

    /// <summary>
    /// Send the stream synchronously from the pump's threads, batched with sendmmsg on Linux, on a socket
    /// never registered with .NET's epoll engine (when the stream transport offers its socket). False uses
    /// the transport's async sends, as before (for comparison in the fan-out bench).
    /// </summary>
    public bool DirectSend { get; set; } = true;

    /// <summary>OS send buffer for the stream socket (a thousand listeners need room for a frame's burst).</summary>
    public int SendBufferBytes { get; set; } = 4 << 20;

    /// <summary>Heartbeat datagrams handled per second before the rest are dropped and counted.</summary>
    public int MaxHeartbeatsPerSecond { get; set; } = 20000;

    /// <summary>How long a prompt's reply waits for the first track to start when nothing was playing.</summary>
    public int PromptReplyWaitMilliseconds { get; set; } = 1500;

    public TimeSpan PromptReplyWait => TimeSpan.FromMilliseconds(PromptReplyWaitMilliseconds);

    /// <summary>Relaying peers (`mooddj peer`) the station feeds itself; the others attach to peers (docs/protocol.md, "Live relay mesh").</summary>
    public int MaxDirectPeers { get; set; } = 4;

    /// <summary>Longest chain of relays from the station to a peer.</summary>
    public int MeshMaxHops { get; set; } = 8;

    /// <summary>How often the shared mesh stream key changes (0: never).</summary>
    public double MeshKeyRotationSeconds { get; set; } = 600;

    /// <summary>The tracker the station announces to and tells its listeners about (e.g. udp://127.0.0.1:5700); empty for none.</summary>
    public string? Tracker { get; set; }

    /// <summary>Longest text a prompt may carry.</summary>
    public int MaxPromptChars { get; set; } = 4096;

    public AudioFormat Format => new(SampleRate, Channels);

    public TimeSpan FrameDuration => TimeSpan.FromMilliseconds(FrameMilliseconds);

    public int FrameSamplesPerChannel => SampleRate * FrameMilliseconds / 1000;

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(HeartbeatIntervalSeconds);

    public TimeSpan ListenerExpiry => TimeSpan.FromSeconds(ListenerExpirySeconds);

    public IPAddress BindAddress => IPAddress.Parse(Bind);

    /// <summary>Reads the <c>station</c> section (absent keys keep their defaults) and validates it.</summary>
    public static StationOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("station");
        var options = SettingsBinder.Bind<StationOptions>(section, "station");
        if (string.Equals(configuration["use:codec"], "pcm", StringComparison.OrdinalIgnoreCase))
        {
            // L16 keeps the seed's format unless the file names another: 44.1 kHz stereo L16 would not fit a datagram per 20 ms.
            if (section["sampleRate"] is null) options.SampleRate = 44100;
            if (section["channels"] is null) options.Channels = 1;
            if (section["frameMilliseconds"] is null) options.FrameMilliseconds = 10;
        }
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad key and what to write instead.</summary>
    public void Validate()
    {
        if (!IPAddress.TryParse(Bind, out _))
            Fail("bind", $"'{Bind}' is not an IP address (use 127.0.0.1, 0.0.0.0 or an interface address)");
        Port("controlPort", ControlPort);
        Port("streamPort", StreamPort);
        Port("heartbeatPort", HeartbeatPort);
        if (StreamPort != 0 && (StreamPort == ControlPort || StreamPort == HeartbeatPort))
            Fail("streamPort", "must differ from controlPort and heartbeatPort");
        if (MaxConnections is < 1 or > 100_000)
            Fail("maxConnections", "must be 1..100000");
        if (IdleTimeoutSeconds is < 1 or > 86400)
            Fail("idleTimeoutSeconds", "must be 1..86400");
        if (HandshakeTimeoutSeconds is < 0.1 or > 600)
            Fail("handshakeTimeoutSeconds", "must be 0.1..600");
        if (HeartbeatIntervalSeconds is < 0.05 or > 300)
            Fail("heartbeatIntervalSeconds", "must be 0.05..300");
        if (ListenerExpirySeconds < HeartbeatIntervalSeconds * 2 || ListenerExpirySeconds > 3600)
            Fail("listenerExpirySeconds", "must be at least twice heartbeatIntervalSeconds and at most 3600");
        if (MaxListeners is < 1 or > 100_000)
            Fail("maxListeners", "must be 1..100000");
        if (MaxListenersPerSession is < 1 or > 1000)
            Fail("maxListenersPerSession", "must be 1..1000");
        if (FrameMilliseconds is not (5 or 10 or 20 or 40 or 60))
            Fail("frameMilliseconds", "must be 5, 10, 20, 40 or 60");
        if (SampleRate is < 8000 or > 192000 || SampleRate * FrameMilliseconds % 1000 != 0)
            Fail("sampleRate", "must be 8000..192000 Hz with a whole number of samples per frame");
        if (Channels is < 1 or > 2)
            Fail("channels", "must be 1 or 2");
        if (MaxCatchUpMilliseconds is < 10 or > 10_000)
            Fail("maxCatchUpMilliseconds", "must be 10..10000");
        if (MaxFramesPerWake is < 1 or > 50)
            Fail("maxFramesPerWake", "must be 1..50");
        if (RtcpIntervalSeconds is < 0.1 or > 60)
            Fail("rtcpIntervalSeconds", "must be 0.1..60");
        if (PlayoutDelayMinMilliseconds is < 1 or > 10_000)
            Fail("playoutDelayMinMilliseconds", "must be 1..10000");
        if (PlayoutDelayMaxMilliseconds < PlayoutDelayMinMilliseconds || PlayoutDelayMaxMilliseconds > 10_000)
            Fail("playoutDelayMaxMilliseconds", "must be at least playoutDelayMinMilliseconds and at most 10000");
        if (PlayoutDelayMilliseconds < PlayoutDelayMinMilliseconds || PlayoutDelayMilliseconds > PlayoutDelayMaxMilliseconds)
            Fail("playoutDelayMilliseconds", "must be within playoutDelayMinMilliseconds..playoutDelayMaxMilliseconds");
        if (!string.IsNullOrWhiteSpace(MulticastGroup)
            && (!IPAddress.TryParse(MulticastGroup, out var group) || !IsMulticast(group)))
            Fail("multicastGroup", $"'{MulticastGroup}' is not a multicast address (e.g. 239.255.42.1)");
        Port("multicastPort", MulticastPort);
        if (MulticastTimeToLive is < 0 or > 255)
            Fail("multicastTimeToLive", "must be 0..255");
        if (SendBufferBytes is < 64 * 1024 or > 256 << 20)
            Fail("sendBufferBytes", "must be 64 KiB..256 MiB");
        if (MaxHeartbeatsPerSecond < 1)
            Fail("maxHeartbeatsPerSecond", "must be at least 1");
        if (PromptReplyWaitMilliseconds is < 0 or > 60_000)
            Fail("promptReplyWaitMilliseconds", "must be 0..60000");
        if (MaxPromptChars is < 1 or > 1 << 20)
            Fail("maxPromptChars", "must be 1..1048576");
        if (MaxTalkers is < 0 or > 32)
            Fail("maxTalkers", "must be 0..32");
        if (TalkDuckDecibels is < -60 or > 0)
            Fail("talkDuckDecibels", "must be -60..0");
        if (TalkPrefillMilliseconds is < 0 or > 500)
            Fail("talkPrefillMilliseconds", "must be 0..500");
        if (MaxDirectPeers is < 0 or > 10_000)
            Fail("maxDirectPeers", "must be 0..10000");
        if (MeshMaxHops is < 1 or > 16)
            Fail("meshMaxHops", "must be 1..16");
        if (MeshKeyRotationSeconds is not 0 and (< 5 or > 86400))
            Fail("meshKeyRotationSeconds", "must be 0 (never) or 5..86400");
        if (!string.IsNullOrWhiteSpace(Tracker) && !MoodDJ.Peers.Tracker.TrackerAddress.TryParse(Tracker, out _, out _))
            Fail("tracker", $"'{Tracker}' is not a UDP tracker URL (udp://host:port)");
        _ = Format;
    }

    private static bool IsMulticast(IPAddress address) => address.IsIPv6Multicast
        || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 0xE0);

    private static void Port(string key, int value)
    {
        if (value is < 0 or > 65535)
            Fail(key, $"{value} is not a port (0..65535; 0 picks a free one)");
    }

    private static void Fail(string key, string what) =>
        throw new SettingsException($"station:{key}", $"station:{key} {what}.");
}
