using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.LanDiscovery;

/// <summary>Settings of the lan discovery plugin (<c>plugins:settings:lan</c>).</summary>
public sealed class LanDiscoverySettings
{
    /// <summary>IPv4 address of the interface to use (its multicast and the address announced); empty: the system's default.</summary>
    public string? Interface { get; set; }

    /// <summary>The mDNS port; 5353 is the standard. Other values make a private group (tests).</summary>
    public int Port { get; set; } = 5353;

    /// <summary>How long a browse waits for answers.</summary>
    public int BrowseMs { get; set; } = 1000;

    /// <summary>TTL of the records announced; a peer that vanishes without a goodbye is forgotten after this.</summary>
    public int TtlSeconds { get; set; } = 120;

    public IPAddress? InterfaceAddress() => string.IsNullOrWhiteSpace(Interface) ? null : IPAddress.Parse(Interface);

    public void Validate(string path)
    {
        if (!string.IsNullOrWhiteSpace(Interface) && (!IPAddress.TryParse(Interface, out var address) || address.AddressFamily != AddressFamily.InterNetwork))
            throw SettingsRules.Invalid(path, "interface", $"is '{Interface}', not an IPv4 address");
        SettingsRules.Range(path, "port", Port, 1, 65535);
        SettingsRules.Range(path, "browseMs", BrowseMs, 10, 60_000);
        SettingsRules.Range(path, "ttlSeconds", TtlSeconds, 1, 4500);
    }
}
