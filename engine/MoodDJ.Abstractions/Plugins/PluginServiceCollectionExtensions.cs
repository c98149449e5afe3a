using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Abstractions.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace MoodDJ.Abstractions.Plugins;

/// <summary>
/// How a plugin offers an implementation: as a keyed singleton of its kind's interface, keyed by the
/// name a user writes in mooddj.json (e.g. "lexicon"), plus a <see cref="PluginImplementation"/>
/// record so the host can list and validate names without creating anything.
/// </summary>
public static class PluginServiceCollectionExtensions
{
    public static IServiceCollection AddMoodAnalyzer<T>(this IServiceCollection services, string name)
        where T : class, IMoodAnalyzer => services.AddPluginService<IMoodAnalyzer, T>(name);

    public static IServiceCollection AddMoodAnalyzer(this IServiceCollection services, string name, Func<IServiceProvider, IMoodAnalyzer> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddMusicSource<T>(this IServiceCollection services, string name)
        where T : class, IMusicSource => services.AddPluginService<IMusicSource, T>(name);

    public static IServiceCollection AddMusicSource(this IServiceCollection services, string name, Func<IServiceProvider, IMusicSource> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddCodec<T>(this IServiceCollection services, string name)
        where T : class, IAudioCodec => services.AddPluginService<IAudioCodec, T>(name);

    public static IServiceCollection AddCodec(this IServiceCollection services, string name, Func<IServiceProvider, IAudioCodec> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddCrypto<T>(this IServiceCollection services, string name)
        where T : class, ICryptoProvider => services.AddPluginService<ICryptoProvider, T>(name);

    public static IServiceCollection AddCrypto(this IServiceCollection services, string name, Func<IServiceProvider, ICryptoProvider> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddControlTransport<T>(this IServiceCollection services, string name)
        where T : class, IControlTransport => services.AddPluginService<IControlTransport, T>(name);

    public static IServiceCollection AddControlTransport(this IServiceCollection services, string name, Func<IServiceProvider, IControlTransport> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddStreamTransport<T>(this IServiceCollection services, string name)
        where T : class, IStreamTransport => services.AddPluginService<IStreamTransport, T>(name);

    public static IServiceCollection AddStreamTransport(this IServiceCollection services, string name, Func<IServiceProvider, IStreamTransport> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddDiscovery<T>(this IServiceCollection services, string name)
        where T : class, IPeerDiscovery => services.AddPluginService<IPeerDiscovery, T>(name);

    public static IServiceCollection AddDiscovery(this IServiceCollection services, string name, Func<IServiceProvider, IPeerDiscovery> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddAudioOutput<T>(this IServiceCollection services, string name)
        where T : class, IAudioOutput => services.AddPluginService<IAudioOutput, T>(name);

    public static IServiceCollection AddAudioOutput(this IServiceCollection services, string name, Func<IServiceProvider, IAudioOutput> factory)
        => services.AddPluginService(name, factory);

    public static IServiceCollection AddSoundMoodAnalyzer(this IServiceCollection services, string name, Func<IServiceProvider, ISoundMoodAnalyzer> factory)
        => services.AddPluginService(name, factory);

    /// <summary>Offers <typeparamref name="TImpl"/> as the <typeparamref name="TService"/> kind's implementation named <paramref name="name"/>.</summary>
    public static IServiceCollection AddPluginService<TService, TImpl>(this IServiceCollection services, string name)
        where TService : class where TImpl : class, TService
    {
        ValidateName(name);
        var kind = PluginKinds.ForService(typeof(TService)).Kind;
        services.AddSingleton(new PluginImplementation(kind, name, typeof(TImpl)));
        services.AddKeyedSingleton<TService, TImpl>(name);
        return services;
    }

    /// <summary>Offers the object <paramref name="factory"/> makes as the <typeparamref name="TService"/> kind's implementation named <paramref name="name"/>.</summary>
    public static IServiceCollection AddPluginService<TService>(this IServiceCollection services, string name, Func<IServiceProvider, TService> factory)
        where TService : class
    {
        ValidateName(name);
        var kind = PluginKinds.ForService(typeof(TService)).Kind;
        ArgumentNullException.ThrowIfNull(factory);
        services.AddSingleton(new PluginImplementation(kind, name, typeof(TService)));
        services.AddKeyedSingleton<TService>(name, (sp, _) => factory(sp));
        return services;
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace))
            throw new ArgumentException($"An implementation name must be a non-empty word, not '{name}'.", nameof(name));
    }
}

/// <summary>One implementation a plugin offers: its kind, the name users select it by, and its type.</summary>
public sealed record PluginImplementation(PluginKind Kind, string Name, Type ImplementationType);
