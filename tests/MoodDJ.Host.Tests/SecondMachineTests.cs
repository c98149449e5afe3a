using System.Diagnostics;
using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>
/// A real second machine: the server in one network namespace and the player in another, joined
/// only by a veth pair on a private /30 that the test makes and removes. Traffic never leaves
/// those two namespaces. The player joins with the line the server prints and hears the music.
/// </summary>
public class SecondMachineTests
{
    [NetnsFact]
    public async Task A_player_in_another_network_namespace_joins_with_the_printed_line_and_hears_music()
    {
        using var temp = new TempFolder();
        var tag = Guid.NewGuid().ToString("N")[..6];
        var serverNs = $"mdj-s-{tag}";
        var playerNs = $"mdj-p-{tag}";
        var serverLink = $"mdjs{tag}";
        var playerLink = $"mdjp{tag}";
        try
        {
            await Ip("netns", "add", serverNs);
            await Ip("netns", "add", playerNs);
            await Ip("link", "add", serverLink, "type", "veth", "peer", "name", playerLink);
            await Ip("link", "set", serverLink, "netns", serverNs);
            await Ip("link", "set", playerLink, "netns", playerNs);
            await Ip("-n", serverNs, "addr", "add", "10.231.0.1/30", "dev", serverLink);
            await Ip("-n", playerNs, "addr", "add", "10.231.0.2/30", "dev", playerLink);
            foreach (var (ns, link) in new[] { (serverNs, serverLink), (playerNs, playerLink) })
            {
                await Ip("-n", ns, "link", "set", "lo", "up");
                await Ip("-n", ns, "link", "set", link, "up");
            }

            var serverHome = temp.File("server-home");
            var playerHome = temp.File("player-home");
            // The server's defaults: all interfaces (of its namespace), the usual ports.
            await using var server = RunningProcess.Start("ip", temp.Path, ["netns", "exec", serverNs, "dotnet", Mooddj, "server"], StationJoinTests.Home(serverHome));
            var joinLine = (await server.WaitForAsync("mooddj player --join ")).Trim();

            var sent = await MooddjProcess.RunProgramAsync("ip", temp.Path, ["netns", "exec", serverNs, "dotnet", Mooddj, "send", "I feel happy"], StationJoinTests.Home(serverHome));
            Assert.True(sent.ExitCode == 0, sent + "\n" + server);

            var wav = temp.File("far.wav");
            var args = joinLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1);
            var player = await MooddjProcess.RunProgramAsync("ip", temp.Path,
                ["netns", "exec", playerNs, "dotnet", Mooddj, .. args, "--output", "wav", "--set", $"plugins:settings:outputs:wavPath={wav}", "--seconds", "6"],
                StationJoinTests.Home(playerHome));
            Assert.True(player.ExitCode == 0, player + "\n" + server);
            WavLevel.AssertMusic(wav, player + "\n" + server);
            await server.WaitForAsync(" joined from 10.231.0.2");
        }
        finally
        {
            // Deleting a namespace removes its end of the veth pair, and with it the other end.
            await Ip(tolerant: true, "netns", "del", serverNs);
            await Ip(tolerant: true, "netns", "del", playerNs);
        }
    }

    private static string Mooddj => Path.Combine(MooddjProcess.HostFolder, "mooddj.dll");

    private static Task Ip(params string[] args) => Ip(false, args);

    private static async Task Ip(bool tolerant, params string[] args)
    {
        var result = await MooddjProcess.RunProgramAsync("ip", Path.GetTempPath(), args, timeout: TimeSpan.FromSeconds(30));
        if (!tolerant)
            Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', args)}: {result}");
    }
}

/// <summary>Runs only where network namespaces can be made (root with iproute2); otherwise skips saying why.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (WhyNot() is { } reason)
            Skip = reason;
    }

    private static string? WhyNot()
    {
        if (!OperatingSystem.IsLinux()) return "Network namespaces are Linux only.";
        if (Environment.UserName != "root" && !File.ReadAllText("/proc/self/status").Contains("Uid:\t0\t"))
            return "Making network namespaces needs root (ip netns add); run the tests as root to include the second-machine test.";
        try
        {
            var probe = $"mdj-probe-{Environment.ProcessId}";
            using var add = Process.Start(new ProcessStartInfo("ip", ["netns", "add", probe]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            add.WaitForExit(10_000);
            if (add.ExitCode != 0) return $"`ip netns add` fails here: {add.StandardError.ReadToEnd().Trim()}";
            using var del = Process.Start(new ProcessStartInfo("ip", ["netns", "del", probe]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            del.WaitForExit(10_000);
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "The `ip` command (iproute2) is not installed.";
        }
    }
}
