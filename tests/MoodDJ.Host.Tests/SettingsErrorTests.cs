using MoodDJ.Host.Tests.Support;

namespace MoodDJ.Host.Tests;

/// <summary>
/// A typo or a bad number anywhere in mooddj.json or --set stops the command with one line that names
/// the key, what it takes (or the key meant) and where the value came from.
/// </summary>
public sealed class SettingsErrorTests
{
    [Fact]
    public async Task An_unknown_station_key_on_the_command_line_is_an_error_with_a_did_you_mean()
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "server", "--set", "station:controlPrt=7000", "--set", "station:bind=127.0.0.1");
        AssertOneLineError(result, "station:controlPrt", "Did you mean 'controlPort'?", "command line");
    }

    [Fact]
    public async Task An_unknown_plugin_setting_in_mooddj_json_is_an_error_with_a_did_you_mean()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("mooddj.json"), """{ "plugins": { "settings": { "opus": { "bitrat": 64000 } } } }""");
        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "I feel happy");
        AssertOneLineError(result, "plugins:settings:opus:bitrat", "Did you mean 'bitrate'?", "mooddj.json");
    }

    [Fact]
    public async Task A_misspelt_section_is_an_error()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("mooddj.json"), """{ "staton": { "controlPort": 7000 } }""");
        var result = await MooddjProcess.RunAsync(temp.Path, "analyze", "calm");
        AssertOneLineError(result, "'staton'", "Did you mean 'station'?", "mooddj.json");
    }

    [Theory]
    [InlineData("station:controlPort=abc", "must be a whole number, not 'abc'")]
    [InlineData("station:controlPort=70000", "0..65535")]
    [InlineData("plugins:settings:opus:complexity=11", "must be 0..10, not 11")]
    public async Task A_bad_number_names_the_key_the_range_and_the_source(string setting, string expected)
    {
        using var temp = new TempFolder();
        var result = await MooddjProcess.RunAsync(temp.Path, "server", "--set", setting, "--set", "station:bind=127.0.0.1");
        AssertOneLineError(result, setting[..setting.IndexOf('=')], expected, "command line");
    }

    private static void AssertOneLineError(ProcessResult result, params string[] expected)
    {
        Assert.NotEqual(0, result.ExitCode);
        var first = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        foreach (var text in expected)
            Assert.Contains(text, first);
        Assert.DoesNotContain("Exception", result.StdErr);
        Assert.DoesNotContain(".dll", result.StdErr);
    }
}
