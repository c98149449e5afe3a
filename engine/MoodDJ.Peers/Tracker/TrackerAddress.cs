using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Peers.Tracker;

/// <summary>A tracker written as <c>udp://host:port</c> (BEP 15's form; a path after the port is ignored).</summary>
public sealed record TrackerAddress(string Host, int Port)
{
    public override string ToString() => Host.Contains(':') ? $"udp://[{Host}]:{Port}" : $"udp://{Host}:{Port}";

    public static TrackerAddress Parse(string text)
    {
        if (!TryParse(text, out var address, out var error)) throw new FormatException(error);
        return address;
    }

    public static bool TryParse(string? text, out TrackerAddress address, out string error)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != "udp")
        {
            error = $"'{text}' is not a tracker address of the form udp://host:port.";
            return false;
        }
        if (uri.Port is < 1 or > 65535)
        {
            error = $"'{text}' has no port: write udp://host:port.";
            return false;
        }
        address = new TrackerAddress(uri.IdnHost, uri.Port);
        error = "";
        return true;
    }

    /// <summary>Resolves the host: an IP literal as it is (udp://[::1]:5700 is an IPv6 tracker), a name to its IPv4 address.</summary>
    public async Task<IPEndPoint> ResolveAsync(CancellationToken ct)
    {
        if (IPAddress.TryParse(Host, out var literal)) return new IPEndPoint(literal, Port);
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(Host, AddressFamily.InterNetwork, ct);
        }
        catch (SocketException ex)
        {
            throw new TrackerException($"Tracker {this}: cannot resolve '{Host}': {ex.Message}", ex);
        }
        return addresses.Length > 0 ? new IPEndPoint(addresses[0], Port)
            : throw new TrackerException($"Tracker {this}: '{Host}' has no IPv4 address.");
    }
}
