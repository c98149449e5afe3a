using System.Diagnostics;
using MoodDJ.Host.Tests.Support;
using MoodDJ.Peers.Swarm;

namespace MoodDJ.Host.Tests;

/// <summary>
/// Mistakes a new user makes following the README: each gets one line naming what was wrong,
/// at once, instead of a misleading message, a silent wait or a silently ignored file.
/// </summary>
public class NewUserMistakeTests
{
    [Fact]
    public async Task A_mistyped_command_is_named_with_a_guess()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "analyse", "I feel happy");

        CommandLineTests.AssertCleanFailure(result, "'analyse' is not a mooddj command. Did you mean 'analyze'?");
        Assert.DoesNotContain("Required command", result.StdErr);
        Assert.DoesNotContain("'I feel happy'", result.StdErr);

        var none = await MooddjProcess.RunAsync(temp.Path);
        CommandLineTests.AssertCleanFailure(none, "no command given");
        var group = await MooddjProcess.RunAsync(temp.Path, "plugins");
        CommandLineTests.AssertCleanFailure(group, "mooddj plugins needs one of: list.");
    }

    [Fact]
    public async Task A_missing_wav_file_is_named_as_a_missing_file()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "--wav", "party.wav");

        CommandLineTests.AssertCleanFailure(result, "--wav: no such file: party.wav");
        Assert.DoesNotContain("alsa", result.StdErr);
    }

    [Fact]
    public async Task A_mistyped_join_code_is_not_called_a_newer_version()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "send", "hi", "--join", "garbage");

        CommandLineTests.AssertCleanFailure(result, "it is not the code `mooddj server` prints");
        Assert.DoesNotContain("version", result.StdErr);
    }

    [Fact]
    public async Task Fetch_with_nobody_to_ask_fails_at_once_instead_of_waiting_out_the_timeout()
    {
        using var temp = new TempFolder();
        var track = temp.File("song.ogg");
        File.WriteAllBytes(track, new byte[40_000]);
        var torrent = await TorrentMetainfo.CreateAsync(track, [], 16 * 1024, CancellationToken.None);
        File.WriteAllBytes(track + ".torrent", torrent.ToTorrentFile());

        var clock = Stopwatch.StartNew();
        var fromFile = await MooddjProcess.RunAsync(temp.Path, "fetch", "song.ogg.torrent", "--out", "music");
        CommandLineTests.AssertCleanFailure(fromFile, "No peer to fetch song.ogg from: give --peer HOST:PORT");
        var fromMagnet = await MooddjProcess.RunAsync(temp.Path, "fetch", torrent.ToMagnet(), "--out", "music");
        CommandLineTests.AssertCleanFailure(fromMagnet, "No peer to fetch the torrent from");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Seed_also_prints_a_magnet_link_another_machine_can_use()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("song.ogg"), new byte[40_000]);
        await using var seeder = RunningProcess.StartMooddj(temp.Path, null, ["seed", "song.ogg", "--port", "0"]);
        await seeder.WaitForAsync("Press Ctrl+C");

        Assert.Contains("&x.pe=127.0.0.1:", seeder.StdOut);
        // The same rule as the join code: the first IPv4 address of an interface that is up and not loopback.
        var lan = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up
                        && n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        if (lan is null) Assert.DoesNotContain("from another machine", seeder.StdOut);
        else Assert.Contains($"&x.pe={lan}:", seeder.StdOut[seeder.StdOut.IndexOf("from another machine", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task A_placeholder_central_key_is_named_as_rooms_central_key()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "server",
            "--set", "station:bind=127.0.0.1", "--set", "station:controlPort=0", "--set", "station:streamPort=0",
            "--set", "station:heartbeatPort=0", "--set", "station:tracker=", "--set", "storage:path=" + temp.File("rooms.db"),
            "--set", "rooms:node=7", "--set", "rooms:central:address=127.0.0.1:9", "--set", "rooms:central:user=olivia",
            "--set", "rooms:central:password=secret-password", "--set", "rooms:central:key=<the central server's station key>");

        CommandLineTests.AssertCleanFailure(result, "rooms:central:key is not a station key");
        Assert.DoesNotContain("station:key is not base64", result.StdErr);
    }

    [Fact]
    public async Task A_dll_dropped_loose_in_the_plugin_folder_is_reported_not_ignored()
    {
        using var temp = new TempFolder();
        var plugins = Directory.CreateDirectory(temp.File("plugins")).FullName;
        File.WriteAllBytes(Path.Combine(plugins, "Grumpy.dll"), [0x4d, 0x5a]);

        var result = await MooddjProcess.RunAsync(temp.Path, "plugins", "list", "--set", "plugins:folder=" + plugins);

        Assert.Contains("'Grumpy.dll' lies loose in the plugin folder", result.StdErr + result.StdOut);
    }

    [Fact]
    public async Task Play_before_catalog_in_the_client_explains_instead_of_crashing()
    {
        using var temp = new TempFolder();
        var home = temp.File("home");
        await using var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(home), ["server", .. StationJoinTests.LoopbackFreePorts]);
        await server.WaitForAsync("mooddj player --join ");

        var script = "printf '/play 99\\n/status\\n/quit\\n' | dotnet \"$0\" client";
        var result = await MooddjProcess.RunProgramAsync("bash", temp.Path, ["-c", script, Path.Combine(MooddjProcess.HostFolder, "mooddj.dll")],
            StationJoinTests.Home(home), TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("/catalog first, then /play N [m:ss]", result.StdOut);
        Assert.Contains("state ", result.StdOut);
        Assert.DoesNotContain("color or style", result.StdOut + result.StdErr);
    }

    [Fact]
    public async Task Seed_on_a_busy_port_and_a_tracker_on_a_foreign_address_name_the_option()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("song.ogg"), new byte[40_000]);
        var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
            var seed = await MooddjProcess.RunAsync(temp.Path, "seed", "song.ogg", "--port", port.ToString());
            CommandLineTests.AssertCleanFailure(seed, $"TCP port {port} is already in use");
        }
        finally { busy.Stop(); }

        // 203.0.113.0/24 is for documentation: no machine has it, and binding sends nothing.
        var tracker = await MooddjProcess.RunAsync(temp.Path, "tracker", "--bind", "203.0.113.77", "--port", "0");
        CommandLineTests.AssertCleanFailure(tracker, "--bind names an address this machine does not have");
    }

    [Fact]
    public async Task Zero_seconds_is_refused_with_a_range_that_excludes_zero()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "demo", "hi", "--seconds", "0");

        CommandLineTests.AssertCleanFailure(result, "--seconds must be above 0 and at most 86400, not 0.");
    }

    [Fact]
    public async Task Eval_mood_refuses_a_file_that_is_not_a_dev_set_tsv_instead_of_scoring_nothing()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("moods.csv"), "text,mood\nI feel happy,happy\nso sad,sad\n");
        var csv = await MooddjProcess.RunAsync(temp.Path, "eval-mood", "moods.csv");
        CommandLineTests.AssertCleanFailure(csv, $"Evaluation file '{temp.File("moods.csv")}' is not a mood dev-set TSV: none of its 3 row(s) has a mood");
        Assert.Empty(csv.StdOut);

        File.WriteAllText(temp.File("header.tsv"), "text\tmood\tvalence\tarousal\tsource\n\n");
        var empty = await MooddjProcess.RunAsync(temp.Path, "eval-mood", "header.tsv");
        CommandLineTests.AssertCleanFailure(empty, $"Evaluation file '{temp.File("header.tsv")}' has no rows: expected tab-separated lines");

        File.WriteAllText(temp.File("gold.tsv"), "text\tmood\tvalence\tarousal\tsource\nI feel happy today\thappy\t\t\tmine\n");
        var good = await MooddjProcess.RunAsync(temp.Path, "eval-mood", "gold.tsv");
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("1 sentences", good.StdOut);
    }
}
