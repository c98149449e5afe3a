using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>The console host as a user runs it: commands, output, and one-line errors.</summary>
public class CommandLineTests
{
    private static readonly string[] BundledPlugins =
        ["aead", "alsa", "fernet", "generator", "icecast", "lan", "lexicon", "llm", "local", "none", "opus", "outputs", "pcm", "static", "tcp", "tracker", "udp", "youtube"];

    [Fact]
    public async Task Plugins_list_shows_every_bundled_plugin_active()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "plugins", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n');
        foreach (var id in BundledPlugins)
        {
            var row = lines.FirstOrDefault(l => l.Contains($" {id} ", StringComparison.Ordinal));
            Assert.True(row is not null, $"plugin {id} missing from:\n{result.StdOut}");
            Assert.Contains("active", row);
        }
    }

    [Fact]
    public async Task Plugins_list_still_shows_the_plugins_when_the_selection_names_a_missing_one()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("mooddj.json"), """{ "use": { "moodAnalyzer": "telepathy" } }""");

        var result = await MooddjProcess.RunAsync(temp.Path, "plugins", "list");

        Assert.Contains(result.StdOut.Split('\n'), l => l.Contains(" lexicon ") && l.Contains("active"));
        CommandLineTests.AssertCleanFailure(result, "telepathy");
    }

    [Fact]
    public async Task Analyze_prints_the_mood_with_its_evidence()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "I feel happy today", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.StdOut);
        Assert.Equal("happy", json.RootElement.GetProperty("mood").GetString());
        Assert.True(json.RootElement.GetProperty("valence").GetDouble() > 0);
        Assert.NotEqual(0, json.RootElement.GetProperty("evidence").GetArrayLength());
    }

    [Fact]
    public async Task Analyze_reads_a_rooms_mood_from_a_sound_file_and_refuses_a_bad_request_clearly()
    {
        using var temp = new TempFolder();
        var clip = Path.Combine(temp.Path, "party.wav");
        // A 128 BPM kick and hi-hat, loud: a party.
        using (var ffmpeg = System.Diagnostics.Process.Start("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i",
            "aevalsrc='0.8*sin(2*PI*55*t)*exp(-12*mod(t,0.46875)) + 0.3*(random(0)-0.5)*exp(-40*mod(t+0.117,0.234375))':s=22050", "-t", "6", clip])!)
            await ffmpeg.WaitForExitAsync();
        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "--wav", clip, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.StdOut);
        Assert.Equal("energetic", json.RootElement.GetProperty("mood").GetString());
        Assert.Contains(json.RootElement.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("text").GetString()!.StartsWith("beat ", StringComparison.Ordinal));

        var both = await MooddjProcess.RunAsync(temp.Path, "analyze", "happy", "--listen", "3");
        CommandLineTests.AssertCleanFailure(both, "exactly one of");
        var missing = await MooddjProcess.RunAsync(temp.Path, "analyze", "--wav", Path.Combine(temp.Path, "nothing.wav"));
        CommandLineTests.AssertCleanFailure(missing, "nothing.wav");
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var command in new[] { "analyze", "demo", "plugins" })
            Assert.Contains(command, result.StdOut);
    }

    [Fact]
    public async Task A_malformed_config_file_fails_with_one_line_naming_the_file()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("mooddj.json"), "{ \"use\": { \"moodAnalyzer\": \"lexicon\", } ,,, ");

        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "hello");

        AssertCleanFailure(result, "mooddj.json");
    }

    [Fact]
    public async Task An_unknown_mood_analyzer_name_fails_naming_it_and_the_installed_ones()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("mooddj.json"), """{ "use": { "moodAnalyzer": "telepathy" } }""");

        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "hello");

        AssertCleanFailure(result, "telepathy");
        Assert.Contains("lexicon", result.StdErr);
    }

    [Fact]
    public async Task A_missing_plugin_folder_fails_naming_the_folder()
    {
        using var temp = new TempFolder();
        var missing = temp.File("no-such-plugins");
        File.WriteAllText(temp.File("mooddj.json"), $$"""{ "plugins": { "folder": "{{missing}}" } }""");

        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "hello");

        AssertCleanFailure(result, "no-such-plugins");
    }

    [Fact]
    public async Task A_config_path_that_does_not_exist_fails_naming_it()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "hello", "--config", temp.File("nope.json"));

        AssertCleanFailure(result, "nope.json");
    }

    [Fact]
    public async Task Environment_variables_override_the_config_file()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("mooddj.json"), """{ "use": { "moodAnalyzer": "telepathy" } }""");

        var result = await MooddjProcess.RunProgramAsync("dotnet", temp.Path,
            [Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), "analyze", "I feel happy", "--json"],
            new Dictionary<string, string?> { ["MOODDJ__use__moodAnalyzer"] = "lexicon" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"happy\"", result.StdOut);
    }

    [Fact]
    public async Task Set_on_the_command_line_overrides_environment_variables()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunProgramAsync("dotnet", temp.Path,
            [Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), "analyze", "hi", "--set", "use:moodAnalyzer=telepathy"],
            new Dictionary<string, string?> { ["MOODDJ__use__moodAnalyzer"] = "lexicon" });

        AssertCleanFailure(result, "telepathy");
    }

    /// <summary>Non-zero exit, a message naming <paramref name="expected"/>, and no stack trace.</summary>
    internal static void AssertCleanFailure(ProcessResult result, string expected)
    {
        Assert.True(result.ExitCode != 0, "expected failure:\n" + result);
        Assert.Contains(expected, result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdOut);
    }
}
