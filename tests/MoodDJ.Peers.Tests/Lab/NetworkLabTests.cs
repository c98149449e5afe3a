using System.Diagnostics;
using MoodDJ.Testing;

namespace MoodDJ.Peers.Tests.Lab;

/// <summary>The namespace lab itself: hosts reach each other on the switch, and a host behind the NAT is seen
/// under its router's address and cannot be reached by a stranger.</summary>
public sealed class NetworkLabTests
{
    private const string Echo = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 7000)); s.settimeout(10)
        print('ready', flush=True)
        data, peer = s.recvfrom(100); print('from', peer[0], flush=True); s.sendto(data, peer)
        """;

    private const string Send = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
        try:
            s.sendto(b'hi', (sys.argv[1], 7000)); print('reply', s.recvfrom(100)[0].decode())
        except OSError: print('no reply')
        """;

    [LabFact]
    public async Task Hosts_talk_over_the_switch_and_a_host_behind_the_nat_shows_its_routers_address()
    {
        using var lab = NetworkLab.Create();
        LabHost a = lab.AddHost("a"), b = lab.AddHost("b");
        var (hidden, publicAddress) = lab.AddHostBehindNat("c");

        // b → a directly, then c (behind the NAT) → a: a sees the router's public address.
        Assert.Equal($"from {b.Address}", await EchoSeenFromAsync(a, b));
        Assert.Equal($"from {publicAddress}", await EchoSeenFromAsync(a, hidden));

        // A stranger reaches neither the hidden host's private address (no route) nor the host through its
        // router's public address (no mapping: the router does not forward what nobody inside asked for).
        using var echo = Process.Start(hidden.StartInfo("/usr/bin/python3", ["-c", Echo]))!;
        Assert.Equal("ready", await echo.StandardOutput.ReadLineAsync());
        foreach (string target in new[] { hidden.Address.ToString(), publicAddress.ToString() })
        {
            using var stranger = Process.Start(b.StartInfo("/usr/bin/python3", ["-c", Send, target]))!;
            Assert.Equal("no reply", (await stranger.StandardOutput.ReadToEndAsync()).Trim());
        }
        echo.Kill();
    }

    private static async Task<string> EchoSeenFromAsync(LabHost server, LabHost client)
    {
        using var echo = Process.Start(server.StartInfo("/usr/bin/python3", ["-c", Echo]))!;
        Assert.Equal("ready", await echo.StandardOutput.ReadLineAsync());
        using var sender = Process.Start(client.StartInfo("/usr/bin/python3", ["-c", Send, server.Address.ToString()]))!;
        Assert.Equal("reply hi", (await sender.StandardOutput.ReadToEndAsync()).Trim());
        string seen = (await echo.StandardOutput.ReadLineAsync())!;
        await echo.WaitForExitAsync();
        return seen;
    }
}

/// <summary>Skips, with the reason, where network namespaces or nftables cannot be used.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (NetworkLab.Unavailable() is { } reason) Skip = reason;
    }
}
