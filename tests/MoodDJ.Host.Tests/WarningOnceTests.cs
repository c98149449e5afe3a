using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>
/// Each warning reaches the user once: not as a log line and again as a console line, nor as a
/// warning and again as the error it caused.
/// </summary>
public class WarningOnceTests
{
    [Fact]
    public async Task Server_says_the_rtsp_warning_and_an_empty_music_folder_once_each()
    {
        using var temp = new TempFolder();
        var empty = Directory.CreateDirectory(temp.File("music")).FullName;
        var port = StationJoinTests.FreeTcpPort();
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var server = RunningProcess.StartMooddj(temp.Path, StationJoinTests.Home(temp.File("home")),
        [
            "server", "--rtsp", .. StationJoinTests.LoopbackFreePorts, "--set", $"station:controlPort={port}", "--set", $"station:key={key}",
            "--set", "rtsp:port=0", "--set", "storage:path=" + temp.File("rooms.db"),
            "--set", "use:musicSources:0=local", "--set", "use:musicSources:1=generator", "--set", "plugins:settings:local:folder=" + empty,
        ]);
        await server.WaitForAsync("mooddj player --join ");
        // A fresh station plays nothing until asked: the prompt makes the director try the empty folder.
        var sent = await MooddjProcess.RunAsync(temp.Path, "send", "I feel happy", "--server", $"127.0.0.1:{port}", "--set", $"station:key={key}");
        Assert.True(sent.ExitCode == 0, sent.ToString());
        await server.WaitForAsync("0 audio files in");
        await Task.Delay(1500); // a second copy, if any, would follow within a sampling tick

        var all = server.StdOut + server.StdErr;
        Assert.True(Count(all, "0 audio files in") == 1, server.ToString());
        Assert.True(Count(all, "plain RTP: anyone on the network path") == 1, server.ToString());
    }

    [Fact]
    public async Task A_broken_plugin_is_reported_once_whether_or_not_the_configuration_needs_it()
    {
        using var temp = new TempFolder();
        var plugins = Directory.CreateDirectory(temp.File("plugins")).FullName;
        foreach (var bundled in Directory.GetDirectories(Path.Combine(MooddjProcess.HostFolder, "plugins")))
            Directory.CreateSymbolicLink(Path.Combine(plugins, Path.GetFileName(bundled)), bundled);
        var broken = Directory.CreateDirectory(Path.Combine(plugins, "broken")).FullName;
        File.WriteAllText(Path.Combine(broken, "plugin.json"),
            """{ "id": "broken", "version": "1.0.0", "kinds": ["mood-analyzer"], "entryAssembly": "Broken.dll", "contractVersions": [1] }""");

        var unneeded = await MooddjProcess.RunAsync(temp.Path, "analyze", "hi", "--set", "plugins:folder=" + plugins);
        Assert.True(unneeded.ExitCode == 0, unneeded.ToString());
        Assert.True(Count(unneeded.StdErr, "Plugin 'broken'") == 1, unneeded.ToString());

        var needed = await MooddjProcess.RunAsync(temp.Path, "analyze", "hi", "--set", "plugins:folder=" + plugins, "--set", "use:moodAnalyzer=broken");
        CommandLineTests.AssertCleanFailure(needed, "mooddj: error: Plugin 'broken': the entry assembly named in plugin.json is missing");
        Assert.True(Count(needed.StdErr + needed.StdOut, "Plugin 'broken'") == 1, needed.ToString());
        // A second copy of the lexicon plugin under another id offers the same analyzer: rejected, and said once.
        Directory.Delete(broken, true);
        var copy = Directory.CreateDirectory(Path.Combine(plugins, "another")).FullName;
        var lexicon = Path.Combine(MooddjProcess.HostFolder, "plugins", "lexicon");
        foreach (var file in Directory.GetFiles(lexicon, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(lexicon, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var manifest = Path.Combine(copy, "plugin.json");
        File.WriteAllText(manifest, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(manifest), "\"id\"\\s*:\\s*\"lexicon\"", "\"id\": \"another\""));
        var clash = await MooddjProcess.RunAsync(temp.Path, "analyze", "hi", "--set", "plugins:folder=" + plugins);
        CommandLineTests.AssertCleanFailure(clash, "mooddj: error: Plugin 'lexicon': it offers mood-analyzer 'lexicon', which plugin 'another' already offers");
        Assert.True(Count(clash.StdErr + clash.StdOut, "already offers") == 1, clash.ToString());
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
