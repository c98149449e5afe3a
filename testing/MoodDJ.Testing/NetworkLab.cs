using System.Diagnostics;
using System.Net;

namespace MoodDJ.Testing;

/// <summary>
/// A private network of Linux network namespaces that a test makes and removes: a switch (a bridge in its
/// own namespace), hosts on 10.77.N.0/24 with their own addresses, and optionally a host behind a NAT router
/// (nftables masquerade) on 192.168.N.0/24. Each host is a real second machine as far as sockets can tell;
/// nothing is routed to or from the machine's own interfaces. Needs root, `ip` and `nft`.
/// </summary>
public sealed class NetworkLab : IDisposable
{
    private readonly string _prefix;
    private readonly int _subnet;
    private readonly List<string> _namespaces = [];
    private int _nextHost = 1;

    private NetworkLab(string prefix, int subnet)
    {
        _prefix = prefix;
        _subnet = subnet;
    }

    /// <summary>Why a lab cannot be made here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux()) return "network namespaces are Linux only";
        if (Environment.UserName != "root") return "making network namespaces needs root";
        if (!File.Exists("/usr/sbin/nft") && !File.Exists("/sbin/nft")) return "nftables (nft) is not installed";
        string probe = $"mdjprobe{Environment.ProcessId % 10000}";
        if (Run("ip", "netns", "add", probe).ExitCode != 0) return "`ip netns add` failed (no CAP_SYS_ADMIN in this container?)";
        Run("ip", "netns", "del", probe);
        return null;
    }

    /// <summary>Makes the switch. Names carry a random prefix so parallel tests do not collide.</summary>
    public static NetworkLab Create()
    {
        int id = Random.Shared.Next(10, 250);
        var lab = new NetworkLab($"mdj{id}", id);
        try
        {
            lab.AddNamespace("sw");
            lab.Ip("sw", "link", "add", "br0", "type", "bridge");
            lab.Ip("sw", "link", "set", "br0", "up");
        }
        catch
        {
            lab.Dispose();
            throw;
        }
        return lab;
    }

    /// <summary>A host on the switch with its own address; returns it.</summary>
    public LabHost AddHost(string name)
    {
        int index = _nextHost++;
        var address = IPAddress.Parse($"10.77.{_subnet}.{index}");
        AddNamespace(name);
        PlugIntoSwitch(name, "eth0", $"{address}/24", index);
        return new LabHost(this, Qualified(name), address);
    }

    /// <summary>
    /// A host behind a NAT router: the router sits on the switch (its address is what others see) and
    /// masquerades the host's private network, so the host can reach out but strangers cannot reach in.
    /// </summary>
    public (LabHost Host, IPAddress PublicAddress) AddHostBehindNat(string name)
    {
        int index = _nextHost++;
        var publicAddress = IPAddress.Parse($"10.77.{_subnet}.{index}");
        string router = name + "gw";
        AddNamespace(router);
        PlugIntoSwitch(router, "eth0", $"{publicAddress}/24", index);
        AddNamespace(name);
        string inside = $"{_prefix}i{index}", outside = $"{_prefix}o{index}";
        Run(true, "ip", "link", "add", inside, "type", "veth", "peer", "name", outside);
        Run(true, "ip", "link", "set", inside, "netns", Qualified(name));
        Run(true, "ip", "link", "set", outside, "netns", Qualified(router));
        Ip(name, "link", "set", inside, "name", "eth0");
        Ip(router, "link", "set", outside, "name", "eth1");
        Ip(router, "addr", "add", $"192.168.{_subnet}.1/24", "dev", "eth1");
        Ip(router, "link", "set", "eth1", "up");
        Ip(name, "addr", "add", $"192.168.{_subnet}.2/24", "dev", "eth0");
        Ip(name, "link", "set", "eth0", "up");
        Ip(name, "route", "add", "default", "via", $"192.168.{_subnet}.1");
        Exec(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // Masquerade what leaves through eth0; only replies to connections the host opened come back in.
        Exec(router, "nft", "add table ip nat");
        Exec(router, "nft", "add chain ip nat postrouting { type nat hook postrouting priority 100 ; }");
        Exec(router, "nft", "add rule ip nat postrouting oifname \"eth0\" masquerade");
        Exec(router, "nft", "add table ip filter");
        Exec(router, "nft", "add chain ip filter forward { type filter hook forward priority 0 ; policy drop ; }");
        Exec(router, "nft", "add rule ip filter forward iifname \"eth1\" accept");
        Exec(router, "nft", "add rule ip filter forward ct state established,related accept");
        return (new LabHost(this, Qualified(name), IPAddress.Parse($"192.168.{_subnet}.2")), publicAddress);
    }

    private void PlugIntoSwitch(string name, string device, string cidr, int index)
    {
        string hostEnd = $"{_prefix}h{index}", switchEnd = $"{_prefix}s{index}";
        Run(true, "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", switchEnd);
        Run(true, "ip", "link", "set", hostEnd, "netns", Qualified(name));
        Run(true, "ip", "link", "set", switchEnd, "netns", Qualified("sw"));
        Ip("sw", "link", "set", switchEnd, "master", "br0");
        Ip("sw", "link", "set", switchEnd, "up");
        Ip(name, "link", "set", hostEnd, "name", device);
        Ip(name, "addr", "add", cidr, "dev", device);
        Ip(name, "link", "set", device, "up");
    }

    private void AddNamespace(string name)
    {
        Run(true, "ip", "netns", "add", Qualified(name));
        _namespaces.Add(Qualified(name));
        Ip(name, "link", "set", "lo", "up");
    }

    internal string Qualified(string name) => $"{_prefix}-{name}";

    private void Ip(string name, params string[] args) => Run(true, ["ip", "-n", Qualified(name), .. args]);

    private void Exec(string name, string program, params string[] args) => Run(true, ["ip", "netns", "exec", Qualified(name), program, .. args]);

    private static (int ExitCode, string Output) Run(params string[] command) => Run(false, command);

    private static (int ExitCode, string Output) Run(bool check, params string[] command)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in command[1..]) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"`{string.Join(' ', command)}` failed ({process.ExitCode}): {output.Trim()}");
        return (process.ExitCode, output);
    }

    /// <summary>Deletes every namespace (their veth ends go with them).</summary>
    public void Dispose()
    {
        for (int i = _namespaces.Count - 1; i >= 0; i--) Run("ip", "netns", "del", _namespaces[i]);
        _namespaces.Clear();
    }
}

/// <summary>One host of a <see cref="NetworkLab"/>: its namespace and address, and how to run a program on it.</summary>
public sealed record LabHost(NetworkLab Lab, string Namespace, IPAddress Address)
{
    /// <summary>A start info that runs <paramref name="program"/> inside this host's namespace.</summary>
    public ProcessStartInfo StartInfo(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string arg in (string[])["netns", "exec", Namespace, program, .. args]) info.ArgumentList.Add(arg);
        return info;
    }
}
