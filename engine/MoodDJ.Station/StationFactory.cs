using Microsoft.Extensions.Logging;
using MoodDJ.Hosting;
using MoodDJ.Music;

namespace MoodDJ.Station;

/// <summary>Builds stations and servers from a started engine: the plugins it chose and the <c>station</c> and <c>music</c> sections.</summary>
public static class StationFactory
{
    /// <summary>A server hosting one default station (what `mooddj server` runs).</summary>
    public static StationServer Create(MoodDJEngine engine, ILoggerFactory? loggerFactory = null, StationOptions? options = null) =>
        CreateServer(engine, loggerFactory, options, StationRouter.DefaultId);

    /// <summary>
    /// A server hosting one station per id, each with its own music director, on one set of ports;
    /// the first id is the default station (the one a hello without <c>station</c> gets).
    /// </summary>
    public static StationServer CreateServer(MoodDJEngine engine, ILoggerFactory? loggerFactory, StationOptions? options, params string[] stationIds)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (stationIds.Length == 0) throw new ArgumentException("Name at least one station.", nameof(stationIds));
        options ??= StationOptions.From(engine.Configuration);
        var server = new StationServer(options, engine.ControlTransport, engine.Crypto, engine.StreamTransport, loggerFactory)
        {
            State = options.ResumeLastMood ? new StationStateStore(options.StateFilePath, loggerFactory?.CreateLogger<StationStateStore>()) : null,
        };
        foreach (var id in stationIds)
            server.Add(CreateStation(engine, id, loggerFactory, options));
        return server;
    }

    /// <summary>One station (not yet hosted): its own music director over the engine's sources.</summary>
    public static LiveStation CreateStation(MoodDJEngine engine, string id, ILoggerFactory? loggerFactory = null, StationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        options ??= StationOptions.From(engine.Configuration);
        var music = MusicOptions.FromConfiguration(engine.Configuration);
        var director = new MusicDirector(engine.MusicSources, options.Format, music, loggerFactory?.CreateLogger<MusicDirector>());
        var parts = new StationParts(engine.MoodAnalyzer, director, engine.Codec, engine.Crypto, engine.ControlTransport, engine.StreamTransport);
        return new LiveStation(options, parts, loggerFactory, id) { OwnsDirector = true };
    }
}
