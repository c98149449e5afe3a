using MoodDJ.Abstractions.Settings;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Host.Web;

// `dotnet run --project hosts/MoodDJ.Host.Web`: the page on http://127.0.0.1:8080 with a station in
// this process (docs/web.md). A bad setting is one line on stderr and exit code 2.
try
{
    await using var app = WebHostApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is ConfigurationException or SettingsException or ArgumentException or MoodDJ.Hosting.Plugins.PluginLoadException)
{
    Console.Error.WriteLine($"mooddj-web: error: {e.Message}");
    return 2;
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
{
    // A port in use: the page's (web:urls) or the in-process station's (station:*Port).
    Console.Error.WriteLine($"mooddj-web: error: could not listen: {e.Message.TrimEnd('.')}. Is another program (or `mooddj server`) on that port? Set --urls or station:controlPort.");
    return 1;
}
