using System.Globalization;
using System.Net;
using System.Text;

namespace MoodDJ.Media;

/// <summary>
/// A session description (RFC 4566) for one audio stream: what any RTP player (ffmpeg, VLC,
/// GStreamer) needs to listen. Writes v/o/s/c/t/m and a=rtpmap, a=ptime, a=rtcp-mux, and an RFC 4568
/// a=crypto line for SRTP; parses what it writes and what ffmpeg's <c>-sdp_file</c> writes (static
/// payload types without a=rtpmap included).
/// </summary>
public sealed record SdpDescription
{
    public string SessionName { get; init; } = "MoodDJ";
    public ulong SessionId { get; init; }
    public ulong SessionVersion { get; init; }

    /// <summary>The address in the o= line (the sender's).</summary>
    public string OriginAddress { get; init; } = "127.0.0.1";

    /// <summary>Where the stream goes (c= line): the listener's unicast address or a multicast group.</summary>
    public required string ConnectionAddress { get; init; }

    /// <summary>Multicast TTL written as c=IN IP4 group/ttl; null for unicast.</summary>
    public int? MulticastTtl { get; init; }

    public required int Port { get; init; }

    /// <summary>"RTP/AVP", or "RTP/SAVP" when <see cref="Crypto"/> is set.</summary>
    public string Protocol => Crypto is null ? "RTP/AVP" : "RTP/SAVP";

    public required byte PayloadType { get; init; }
    public required string EncodingName { get; init; }
    public required int ClockRate { get; init; }
    public int Channels { get; init; } = 1;

    /// <summary>Milliseconds of audio per packet (a=ptime); null when not stated.</summary>
    public int? PacketTimeMs { get; init; }

    /// <summary>RTCP shares the RTP port (RFC 5761).</summary>
    public bool RtcpMux { get; init; }

    public SdpCrypto? Crypto { get; init; }

    /// <summary>The stream's a=control URL, relative to the RTSP Content-Base (RFC 2326 C.1.1); null outside RTSP.</summary>
    public string? Control { get; init; }

    /// <summary>Writes the description with CRLF line ends, as RFC 4566 asks.</summary>
    public override string ToString()
    {
        var ip = AddressType(ConnectionAddress);
        var sb = new StringBuilder();
        void Line(string text) => sb.Append(text).Append("\r\n");
        Line("v=0");
        Line(FormattableString.Invariant($"o=- {SessionId} {SessionVersion} IN {AddressType(OriginAddress)} {OriginAddress}"));
        Line($"s={(string.IsNullOrWhiteSpace(SessionName) ? "-" : SessionName)}");
        Line($"c=IN {ip} {ConnectionAddress}{(MulticastTtl is { } ttl ? "/" + ttl.ToString(CultureInfo.InvariantCulture) : "")}");
        Line("t=0 0");
        Line(FormattableString.Invariant($"m=audio {Port} {Protocol} {PayloadType}"));
        Line(FormattableString.Invariant($"a=rtpmap:{PayloadType} {EncodingName}/{ClockRate}{(Channels != 1 ? "/" + Channels.ToString(CultureInfo.InvariantCulture) : "")}"));
        if (PacketTimeMs is { } ptime) Line(FormattableString.Invariant($"a=ptime:{ptime}"));
        if (RtcpMux) Line("a=rtcp-mux");
        if (Crypto is not null) Line($"a=crypto:{Crypto}");
        if (Control is not null) Line($"a=control:{Control}");
        return sb.ToString();
    }

    public static SdpDescription Parse(string text) =>
        TryParse(text, out var description, out var error) ? description! : throw new FormatException(error);

    /// <summary>
    /// Parses the first audio stream of <paramref name="text"/>. False with a reason for a description
    /// that lacks what a player needs (version, connection address, an audio m= line, a known encoding).
    /// </summary>
    public static bool TryParse(string text, out SdpDescription? description, out string error)
    {
        description = null;
        if (text is null || text.Length > 64 * 1024)
        {
            error = "An SDP description must be present and at most 64 KiB.";
            return false;
        }
        string? version = null, sessionName = null, origin = null, sessionConnection = null, mediaConnection = null;
        string? media = null, rtpmap = null, ptime = null;
        SdpCrypto? crypto = null;
        var rtcpMux = false;
        var inAudio = false;
        var seenMedia = false;
        int? payloadType = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length < 2 || line[1] != '=') continue;
            var value = line[2..];
            switch (line[0])
            {
                case 'v': version = value; break;
                case 's': sessionName = value; break;
                case 'o': origin = value; break;
                case 'c':
                    if (!seenMedia) sessionConnection = value;
                    else if (inAudio) mediaConnection = value;
                    break;
                case 'm':
                    // Only the first audio stream counts; later m= lines end it.
                    if (inAudio) { inAudio = false; break; }
                    seenMedia = true;
                    if (media is null && value.StartsWith("audio ", StringComparison.Ordinal))
                    {
                        media = value;
                        inAudio = true;
                        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (fields.Length >= 4 && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var pt) && pt <= 127)
                            payloadType = pt;
                    }
                    break;
                case 'a' when inAudio || !seenMedia:
                    if (value.StartsWith("rtpmap:", StringComparison.Ordinal))
                    {
                        var rest = value["rtpmap:".Length..];
                        var space = rest.IndexOf(' ');
                        if (space > 0 && int.TryParse(rest[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var mapped) && mapped == payloadType)
                            rtpmap = rest[(space + 1)..].Trim();
                    }
                    else if (value.StartsWith("ptime:", StringComparison.Ordinal)) ptime = value["ptime:".Length..].Trim();
                    else if (value == "rtcp-mux") rtcpMux = true;
                    else if (value.StartsWith("crypto:", StringComparison.Ordinal) && crypto is null)
                    {
                        if (!SdpCrypto.TryParse(value["crypto:".Length..], out crypto, out error)) return false;
                    }
                    break;
            }
        }

        if (version != "0") { error = "SDP must start with v=0."; return false; }
        if (media is null || payloadType is null) { error = "SDP has no usable 'm=audio <port> RTP/AVP <payload type>' line."; return false; }
        var mediaFields = media.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!int.TryParse(mediaFields[1].Split('/')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        { error = $"SDP m=audio port '{mediaFields[1]}' is not a port number."; return false; }
        if (!mediaFields[2].StartsWith("RTP/", StringComparison.Ordinal))
        { error = $"SDP m=audio transport '{mediaFields[2]}' is not RTP."; return false; }

        var connection = mediaConnection ?? sessionConnection;
        if (connection is null) { error = "SDP has no c= line (connection address)."; return false; }
        var cFields = connection.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (cFields.Length < 3 || cFields[0] != "IN") { error = $"SDP c= line '{connection}' is not 'IN IP4 <address>'."; return false; }
        var addressParts = cFields[2].Split('/');
        int? ttl = null;
        if (addressParts.Length > 1 && int.TryParse(addressParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var t)) ttl = t;

        string encoding;
        int clockRate, channels;
        if (rtpmap is not null)
        {
            var mapParts = rtpmap.Split('/');
            encoding = mapParts[0];
            if (mapParts.Length < 2 || !int.TryParse(mapParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out clockRate) || clockRate <= 0)
            { error = $"SDP a=rtpmap '{rtpmap}' lacks a clock rate."; return false; }
            channels = 1;
            if (mapParts.Length > 2 && (!int.TryParse(mapParts[2], NumberStyles.None, CultureInfo.InvariantCulture, out channels) || channels is < 1 or > 8))
            { error = $"SDP a=rtpmap '{rtpmap}' has a bad channel count."; return false; }
        }
        else if (!RtpPayloadTypes.TryGetStatic(payloadType.Value, out encoding, out clockRate, out channels))
        {
            error = $"SDP payload type {payloadType} is dynamic but has no a=rtpmap line.";
            return false;
        }

        int? ptimeMs = null;
        if (ptime is not null && int.TryParse(ptime, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0) ptimeMs = p;

        var originFields = origin?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        ulong sessionId = 0, sessionVersion = 0;
        if (originFields is { Length: >= 6 })
        {
            ulong.TryParse(originFields[1], NumberStyles.None, CultureInfo.InvariantCulture, out sessionId);
            ulong.TryParse(originFields[2], NumberStyles.None, CultureInfo.InvariantCulture, out sessionVersion);
        }

        description = new SdpDescription
        {
            SessionName = sessionName ?? "-",
            SessionId = sessionId,
            SessionVersion = sessionVersion,
            OriginAddress = originFields is { Length: >= 6 } ? originFields[5] : addressParts[0],
            ConnectionAddress = addressParts[0],
            MulticastTtl = ttl,
            Port = port,
            PayloadType = (byte)payloadType.Value,
            EncodingName = encoding,
            ClockRate = clockRate,
            Channels = channels,
            PacketTimeMs = ptimeMs,
            RtcpMux = rtcpMux,
            Crypto = crypto,
        };
        error = "";
        return true;
    }

    private static string AddressType(string address) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
}
