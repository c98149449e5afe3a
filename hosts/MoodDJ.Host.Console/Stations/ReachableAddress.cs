using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MoodDJ.Host.Console.Stations;

/// <summary>The address another machine can reach this station at, for the join code.</summary>
internal static class ReachableAddress
{
    /// <summary>
    /// A specific bind address is itself; a wildcard bind means the first IPv4 address of an
    /// interface that is up and not loopback, else loopback (a machine with no network).
    /// </summary>
    public static IPAddress For(IPAddress bind)
    {
        if (!bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
            return bind;
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                    continue;
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                    if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
                        return unicast.Address;
            }
        }
        catch (NetworkInformationException) { }
        return IPAddress.Loopback;
    }
}
