using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Client;

/// <summary>Where a client finds the station's control port: --host/--port, else the station section of the configuration.</summary>
public static class StationAddress
{
    /// <summary>
    /// <paramref name="host"/> or station:bind (a wildcard bind means this machine), and
    /// <paramref name="port"/> or station:controlPort (default 5678). Throws ArgumentException naming a bad value.
    /// </summary>
    public static EndPoint Resolve(IConfiguration configuration, string? host, int? port)
    {
        var section = configuration.GetSection("station");
        var controlPort = port ?? ParsePort(section["controlPort"]) ?? 5678;
        if (controlPort is < 1 or > 65535)
            throw new ArgumentException($"The control port must be 1..65535, not {controlPort}.");
        var name = host ?? section["bind"] ?? "127.0.0.1";
        if (IPAddress.TryParse(name, out var address))
        {
            if (address.Equals(IPAddress.Any)) address = IPAddress.Loopback;
            else if (address.Equals(IPAddress.IPv6Any)) address = IPAddress.IPv6Loopback;
            return new IPEndPoint(address, controlPort);
        }
        if (Uri.CheckHostName(name) == UriHostNameType.Unknown)
            throw new ArgumentException($"'{name}' is neither an IP address nor a host name.");
        return new DnsEndPoint(name, controlPort);
    }

    private static int? ParsePort(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var port)
            ? port
            : throw new ArgumentException($"station:controlPort must be a number, not '{text}'.");
    }
}
