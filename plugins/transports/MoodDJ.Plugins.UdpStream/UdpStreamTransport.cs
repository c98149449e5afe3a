using System.Net;
using System.Net.Sockets;
using MoodDJ.Abstractions.Transport;

namespace MoodDJ.Plugins.UdpStream;

/// <summary>Opens UDP sockets: unicast, or joined to a multicast group for LAN streaming.</summary>
public sealed class UdpStreamTransport(UdpTransportSettings? settings = null) : IStreamTransport
{
    private readonly UdpTransportSettings _settings = settings ?? new UdpTransportSettings();

    public IDatagramSocket Open(DatagramSocketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var family = options.LocalEndPoint.AddressFamily;
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = Math.Max(options.ReceiveBufferBytes, _settings.MinReceiveBufferBytes);
            socket.SendBufferSize = Math.Max(options.SendBufferBytes, _settings.MinSendBufferBytes);
            if (options.MulticastGroup is { } group)
                OpenMulticast(socket, options, group);
            else
                socket.Bind(options.LocalEndPoint);
            return new UdpDatagramSocket(socket);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // The one type every transport uses for a taken port, so the station can name the setting to change.
            socket.Dispose();
            throw new AddressInUseException($"UDP {options.LocalEndPoint} is already in use: stop the program holding it or choose another port.", e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var what = options.MulticastGroup is null ? $"{options.LocalEndPoint}" : $"{options.LocalEndPoint} in group {options.MulticastGroup}";
            throw new IOException($"Cannot open UDP socket on {what}: {e.Message} ({e.SocketErrorCode}). Check the address and port.", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void OpenMulticast(Socket socket, DatagramSocketOptions options, IPAddress group)
    {
        // Several players on one host may listen to the same group and port.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        // On Linux a socket bound to a unicast address does not see group traffic: bind the wildcard
        // on the requested port; the interface choice goes to the membership instead.
        var any = group.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
        socket.Bind(new IPEndPoint(any, options.LocalEndPoint.Port));
        if (group.AddressFamily == AddressFamily.InterNetwork)
        {
            var nic = options.MulticastInterface ?? IPAddress.Any;
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, nic));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, options.MulticastTimeToLive);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, options.MulticastLoopback);
            if (options.MulticastInterface is { } iface)
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, iface.GetAddressBytes());
        }
        else
        {
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(group));
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, options.MulticastTimeToLive);
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, options.MulticastLoopback);
        }
    }

    private static void Validate(DatagramSocketOptions options)
    {
        if (options.LocalEndPoint is null)
            throw new ArgumentException("DatagramSocketOptions.LocalEndPoint is required.", nameof(options));
        if (options.ReceiveBufferBytes is < 0 or > UdpTransportSettings.MaxBufferBytes)
            throw new ArgumentException($"ReceiveBufferBytes must be 0..{UdpTransportSettings.MaxBufferBytes}, not {options.ReceiveBufferBytes}.", nameof(options));
        if (options.SendBufferBytes is < 0 or > UdpTransportSettings.MaxBufferBytes)
            throw new ArgumentException($"SendBufferBytes must be 0..{UdpTransportSettings.MaxBufferBytes}, not {options.SendBufferBytes}.", nameof(options));
        if (options.MulticastGroup is { } group)
        {
            if (!IsMulticast(group))
                throw new ArgumentException($"{group} is not a multicast address (IPv4 224.0.0.0/4 or IPv6 ff00::/8).", nameof(options));
            if (group.AddressFamily != options.LocalEndPoint.AddressFamily)
                throw new ArgumentException($"Multicast group {group} and local end point {options.LocalEndPoint} are of different address families.", nameof(options));
            if (options.MulticastTimeToLive is < 0 or > 255)
                throw new ArgumentException($"MulticastTimeToLive must be 0..255, not {options.MulticastTimeToLive}.", nameof(options));
        }
    }

    private static bool IsMulticast(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => (address.GetAddressBytes()[0] & 0xF0) == 0xE0,
        AddressFamily.InterNetworkV6 => address.IsIPv6Multicast,
        _ => false,
    };
}
