using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>Consistent options and errors, and output that stays clean in pipes.</summary>
public class OutputHygieneTests
{
    [Fact]
    public async Task A_bad_number_for_an_option_is_one_line_naming_the_option()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "player", "--port", "abc");

        CommandLineTests.AssertCleanFailure(result, "--port: 'abc' is not a whole number.");
        Assert.DoesNotContain("Nullable", result.StdErr);
        Assert.DoesNotContain("Description:", result.StdErr + result.StdOut);
        Assert.True(result.StdErr.Trim().Split('\n').Length <= 2, result.ToString());
    }

    [Theory]
    [InlineData("player")]
    [InlineData("send")]
    [InlineData("client")]
    [InlineData("listen")]
    public async Task Every_command_that_talks_to_a_station_takes_server_and_join(string command)
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--server", result.StdOut);
        Assert.Contains("--join", result.StdOut);
        Assert.DoesNotContain("--host", result.StdOut);
        // -p is the local UDP port wherever it exists.
        if (result.StdOut.Contains("-p,"))
            Assert.Contains("-p, --port", result.StdOut);
    }

    [Theory]
    [InlineData("send", "hi")]
    [InlineData("client")]
    [InlineData("player", "--seconds", "1")]
    public async Task In_a_fresh_folder_a_command_with_no_station_says_how_to_join_in_one_short_line(params string[] args)
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, args);

        CommandLineTests.AssertCleanFailure(result, "--join");
        Assert.DoesNotContain(".dll", result.StdErr);
        Assert.DoesNotContain("Exception", result.StdErr);
        var first = result.StdErr.Split('\n')[0];
        Assert.True(first.Length < 250, first);
    }

    [Fact]
    public async Task Piped_output_has_no_escape_codes_even_without_no_color()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunProgramAsync("dotnet", temp.Path,
            [Path.Combine(MooddjProcess.HostFolder, "mooddj.dll"), "analyze", "I feel happy and excited today"],
            new Dictionary<string, string?> { ["NO_COLOR"] = null, ["TERM"] = "xterm-256color" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("mood ", result.StdOut);
        Assert.DoesNotContain('\u001b', result.StdOut + result.StdErr);
    }

    [Fact]
    public async Task Json_keeps_chinese_as_utf8()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "煩死了，想放鬆一下", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("\\u", result.StdOut);
        Assert.Matches("[\u4e00-\u9fff]", result.StdOut);
        using var json = System.Text.Json.JsonDocument.Parse(result.StdOut);
        Assert.NotEqual(0, json.RootElement.GetProperty("evidence").GetArrayLength());
    }
}
