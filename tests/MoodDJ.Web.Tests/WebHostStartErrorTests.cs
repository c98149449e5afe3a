using System.Diagnostics;

namespace MoodDJ.Web.Tests;

/// <summary>mooddj-web run as a user runs it: a setting a plugin refuses is one line, not a stack trace.</summary>
public class WebHostStartErrorTests
{
    [Fact]
    public async Task A_bad_station_key_is_one_line_and_exit_code_2()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "mooddj-web.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        // Remote mode: the key is read before anything is contacted (port 9 on loopback would refuse anyway).
        foreach (var arg in new[] { dll, "--urls", "http://127.0.0.1:0", "--web:station=remote", "--web:server=127.0.0.1:9", "--station:key=wrongkey" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        string error = await stderr;
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("mooddj-web: error: ", error);
        Assert.Contains("station:key", error);
        Assert.DoesNotContain("   at ", error + await stdout);
    }
}
