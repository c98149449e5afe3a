using System.Globalization;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// What a SETUP's Transport header asks for (RFC 2326 §12.39): RTP over UDP to a client port pair, or
/// interleaved on the RTSP connection's own TCP stream on a channel pair. Multicast and RTP/SAVP are refused.
/// </summary>
public sealed record RtspTransport(bool Interleaved, int RtpPort, int RtcpPort, int RtpChannel, int RtcpChannel)
{
    /// <summary>Picks the first transport in the header that the server can serve.</summary>
    public static RtspTransport Choose(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
            throw new RtspException(461, "SETUP needs a Transport header (RTP/AVP;unicast;client_port=a-b or RTP/AVP/TCP;interleaved=0-1)");
        string? why = null;
        foreach (var option in header.Split(','))
        {
            var parts = option.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            var profile = parts[0].ToUpperInvariant();
            if (profile is not ("RTP/AVP" or "RTP/AVP/UDP" or "RTP/AVP/TCP"))
            {
                why = $"'{parts[0]}' is not offered (this server sends plain RTP/AVP)";
                continue;
            }
            if (parts.Any(p => p.Equals("multicast", StringComparison.OrdinalIgnoreCase)))
            {
                why = "multicast delivery is not offered over RTSP";
                continue;
            }
            if (profile == "RTP/AVP/TCP")
            {
                var (a, b) = Pair(parts, "interleaved", 0, 255) ?? (0, 1);
                return new RtspTransport(true, 0, 0, a, b);
            }
            if (Pair(parts, "client_port", 1, 65535) is { } ports)
                return new RtspTransport(false, ports.First, ports.Second, 0, 0);
            why = "RTP/AVP over UDP needs client_port=a-b";
        }
        throw new RtspException(461, why ?? "no transport in the Transport header");
    }

    /// <summary>The Transport header of the reply, naming the server's side.</summary>
    public string Describe(int serverRtpPort, int serverRtcpPort, uint ssrc) => Interleaved
        ? FormattableString.Invariant($"RTP/AVP/TCP;unicast;interleaved={RtpChannel}-{RtcpChannel};ssrc={ssrc:X8}")
        : FormattableString.Invariant($"RTP/AVP;unicast;client_port={RtpPort}-{RtcpPort};server_port={serverRtpPort}-{serverRtcpPort};ssrc={ssrc:X8}");

    private static (int First, int Second)? Pair(string[] parts, string name, int min, int max)
    {
        foreach (var part in parts)
        {
            if (!part.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase)) continue;
            var value = part[(name.Length + 1)..];
            var dash = value.IndexOf('-');
            var firstText = dash < 0 ? value : value[..dash];
            if (!int.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out var first) || first < min || first > max)
                throw new RtspException(461, $"{name}={value} is not a number pair in {min}..{max}");
            var second = first + 1;
            if (dash >= 0 && (!int.TryParse(value[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out second) || second < min || second > max))
                throw new RtspException(461, $"{name}={value} is not a number pair in {min}..{max}");
            if (second > max) throw new RtspException(461, $"{name}={value} leaves no room for the RTCP {name}");
            return (first, second);
        }
        return null;
    }
}
