using System.Globalization;
using System.Net;

namespace MoodDJ.Rooms.Hosted;

/// <summary>
/// The <c>rooms:central</c> section: the central server this server hosts rooms for, and the account
/// (the rooms' owner there) its link logs in as. Empty <see cref="Address"/>: no link.
/// </summary>
public sealed class CentralOptions
{
    /// <summary>The central server's control endpoint, host:port.</summary>
    public string Address { get; set; } = "";
    /// <summary>The central server's station key (base64); empty: this server's own station:key.</summary>
    public string Key { get; set; } = "";
    /// <summary>The owner's account on the central server; only rooms this user owns here are hosted.</summary>
    public string User { get; set; } = "";
    /// <summary>Its password (better from the environment: MOODDJ__rooms__central__password).</summary>
    public string Password { get; set; } = "";
    /// <summary>Rooms of this server to list at the central one; empty: every room <see cref="User"/> owns here.</summary>
    public List<string> Rooms { get; } = [];
    /// <summary>The control endpoint the central room list shows for this server; empty: the one it listens on.</summary>
    public string PublicEndPoint { get; set; } = "";
    /// <summary>Longest wait between reconnect attempts (the wait starts at 0.2 s and doubles).</summary>
    public double ReconnectMaxSeconds { get; set; } = 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(Address);

    public TimeSpan ReconnectMax => TimeSpan.FromSeconds(ReconnectMaxSeconds);

    public void Validate()
    {
        if (ReconnectMaxSeconds is < 0.2 or > 3600) throw new ArgumentException($"rooms:central:reconnectMaxSeconds is {ReconnectMaxSeconds}; use 0.2 to 3600.");
        if (!Enabled) return;
        _ = EndPoint(Address, "rooms:central:address");
        if (string.IsNullOrWhiteSpace(User) || string.IsNullOrEmpty(Password))
            throw new ArgumentException("rooms:central:address is set, so rooms:central:user and rooms:central:password are needed: the rooms' owner's account on the central server.");
        if (PublicEndPoint.Length > 0) _ = EndPoint(PublicEndPoint, "rooms:central:publicEndPoint");
    }

    /// <summary>Parses host:port (an IP address or a DNS name); the message names <paramref name="key"/>.</summary>
    public static EndPoint EndPoint(string text, string key)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"{key} is '{text}'; write host:port, e.g. 192.0.2.10:5678.");
        var host = text[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }
}
