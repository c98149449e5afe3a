using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting.Configuration;
using Microsoft.Extensions.Logging;
using MoodDJ.Hosting;
using MoodDJ.Station;
using MoodDJ.Client;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;

namespace MoodDJ.Station.Tests.Station.Support;

/// <summary>
/// A real station on 127.0.0.1 (ports 0), composed by the real engine from the real plugins in the
/// repository's artifacts/plugins folder, as `mooddj server` would compose it.
/// </summary>
internal sealed class StationHarness : IAsyncDisposable
{
    /// <summary>The station key the tests share (32 bytes, base64).</summary>
    public static readonly string StationKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    private StationHarness(MoodDJEngine engine, StationServer station, IReadOnlyDictionary<string, string?> settings)
    {
        Engine = engine;
        Station = station;
        Settings = settings;
    }

    public MoodDJEngine Engine { get; }
    /// <summary>The server (one default station unless the test added more).</summary>
    public StationServer Station { get; }
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public static Dictionary<string, string?> DefaultSettings(string crypto = "aead") => new()
    {
        ["plugins:folder"] = RepoPaths.PluginArtifacts,
        ["use:moodAnalyzer"] = "lexicon",
        ["use:musicSources:0"] = "generator",
        ["use:codec"] = "opus",   // the default; tests about L16 set pcm themselves
        ["use:crypto"] = crypto,
        ["use:controlTransport"] = "tcp",
        ["use:streamTransport"] = "udp",
        ["use:audioOutput"] = "null",
        ["plugins:settings:generator:seed"] = "7",
        ["station:key"] = StationKey,
        ["station:bind"] = "127.0.0.1", // the embedded default is every interface; tests stay on loopback
        ["station:controlPort"] = "0",
        ["station:streamPort"] = "0",
        ["station:heartbeatPort"] = "0",
        ["station:resumeLastMood"] = "false",   // a test that wants it names its own state file
        ["music:preferencesFile"] = "none",     // likes and dislikes stay in memory, never in the user's data folder
    };

    public static async Task<StationHarness> StartAsync(string crypto = "aead", Action<Dictionary<string, string?>>? configure = null, string[]? stationIds = null)
    {
        var settings = DefaultSettings(crypto);
        configure?.Invoke(settings);
        var engine = MoodDJEngine.Start(MoodDJConfiguration.Build(null, settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray()), Logging);
        StationServer? station = null;
        try
        {
            station = stationIds is null ? StationFactory.Create(engine, Logging) : StationFactory.CreateServer(engine, Logging, null, stationIds);
            await station.StartAsync();
            return new StationHarness(engine, station, settings);
        }
        catch
        {
            if (station is not null) await station.DisposeAsync();
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>A typed control client of this server, connected and past hello (to <paramref name="station"/>, or the default one).</summary>
    public async Task<StationControlClient> ConnectControlClientAsync(string name, string? station = null)
    {
        var client = new StationControlClient(Engine.ControlTransport, Engine.Crypto, new StationClientOptions
        {
            EndPoint = Station.ControlEndPoint,
            ClientName = name,
            Station = station,
            CallTimeout = TimeSpan.FromSeconds(20),
        });
        await client.ConnectAsync();
        return client;
    }

    public static ILoggerFactory Logging { get; } = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;

    public async ValueTask DisposeAsync()
    {
        await Station.DisposeAsync();
        await Engine.DisposeAsync();
    }
}

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Where every plugin the build made is gathered (plugins/Directory.Build.targets).</summary>
    public static string PluginArtifacts => Path.Combine(Root, "artifacts", "plugins");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MoodDJ.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Cannot find MoodDJ.sln above " + AppContext.BaseDirectory);
    }
}
