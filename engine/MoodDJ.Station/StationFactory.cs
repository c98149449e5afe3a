using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MoodDJ.Music;
using MoodDJ.Protocol;
using MoodDJ.Protocol.Messages;
using MoodDJ.Hosting;

namespace MoodDJ.Station;

/// <summary>Builds a <see cref="LiveStation"/> from a started engine: the plugins it chose and the <c>station</c> and <c>music</c> sections.</summary>
public static class StationFactory
{
    public static LiveStation Create(MoodDJEngine engine, ILoggerFactory? loggerFactory = null, StationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        options ??= StationOptions.From(engine.Configuration);
        var music = MusicOptions.FromConfiguration(engine.Configuration);
        var director = new MusicDirector(engine.MusicSources, options.Format, music, loggerFactory?.CreateLogger<MusicDirector>());
        var parts = new StationParts(engine.MoodAnalyzer, director, engine.Codec, engine.Crypto, engine.ControlTransport, engine.StreamTransport);
        return new LiveStation(options, parts, loggerFactory) { OwnsDirector = true };
    }
}
