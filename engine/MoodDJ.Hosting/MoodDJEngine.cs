using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Discovery;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Abstractions.Transport;
using MoodDJ.Hosting.Composition;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting.Plugins;

namespace MoodDJ.Hosting;

/// <summary>
/// The composed engine: loads the plugins the configuration allows, composes them with DI, checks
/// every name in <c>use</c> and hands out the selected implementations. With
/// <c>plugins:hotReload</c> on, a plugin whose files change is swapped in while the engine runs;
/// the getters then return the new implementation.
/// </summary>
public sealed class MoodDJEngine : IAsyncDisposable
{
    private readonly PluginSlotLoader _slotLoader;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly UseOptions _use;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly PluginFolderWatcher? _watcher;
    private volatile EngineComposition _composition;
    private bool _disposed;

    private MoodDJEngine(IConfiguration configuration, ILoggerFactory loggerFactory, PluginsOptions plugins, UseOptions use, bool validateUse)
    {
        Configuration = configuration;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MoodDJEngine>();
        _use = use;
        _slotLoader = new PluginSlotLoader(plugins, configuration, _logger);

        var slots = PluginSlotLoader.FindFolders(plugins, _logger).Select(f => _slotLoader.Load(f, report: false)).ToArray();
        _composition = EngineComposition.Build(slots, configuration, loggerFactory, report: false);
        try
        {
            if (validateUse)
                UseValidator.Validate(use, _composition, configuration);
        }
        catch (Exception e)
        {
            // The error names the failure the configuration needed; warn about the others only.
            ReportLoadFailures(_composition.Slots, e as PluginLoadException);
            Release(_composition).AsTask().GetAwaiter().GetResult();
            throw;
        }
        ReportLoadFailures(_composition.Slots, null);

        if (plugins.HotReload)
            _watcher = new PluginFolderWatcher(plugins.Folder, plugins.ReloadDelay, folder => _ = ReloadAsync(folder));
    }

    /// <summary>Warns once about each plugin that failed or was rejected, except the one the startup error already names.</summary>
    private void ReportLoadFailures(IEnumerable<PluginSlot> slots, PluginLoadException? reportedByError)
    {
        foreach (var slot in slots)
            if (slot.State is PluginState.Malfunctioned or PluginState.NotSupported && slot.Failure is { } failure
                && !(failure.PluginId == reportedByError?.PluginId && failure.FilePath == reportedByError.FilePath))
                _logger.LogWarning("{Message}", failure.Message);
    }

    /// <summary>
    /// Reads the <c>plugins</c> and <c>use</c> sections, loads and composes the plugins, and checks
    /// the selection. Throws <see cref="ConfigurationException"/> or <see cref="PluginLoadException"/>
    /// with a one-line message.
    /// </summary>
    public static MoodDJEngine Start(IConfiguration configuration, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var plugins = PluginsOptions.Read(configuration);
        var use = UseOptions.Read(configuration);
        return new MoodDJEngine(configuration, loggerFactory ?? NullLoggerFactory.Instance, plugins, use, validateUse: true);
    }

    /// <summary>
    /// Like <see cref="Start"/>, but does not require the names in <c>use</c> to be available: for
    /// listing plugins and diagnosing a configuration that <see cref="Start"/> refuses. Getters for
    /// a missing name still fail with a clear message; <see cref="ValidateUse"/> throws what Start would.
    /// </summary>
    public static MoodDJEngine Inspect(IConfiguration configuration, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var plugins = PluginsOptions.Read(configuration);
        var use = UseOptions.Read(configuration);
        return new MoodDJEngine(configuration, loggerFactory ?? NullLoggerFactory.Instance, plugins, use, validateUse: false);
    }

    /// <summary>Throws the <see cref="ConfigurationException"/> or <see cref="PluginLoadException"/> Start would for the current plugins.</summary>
    public void ValidateUse() => UseValidator.Validate(_use, Current, Configuration);

    /// <summary>Raised after a hot reload swapped a plugin (or found it broken); getters already return the new implementations.</summary>
    public event EventHandler<PluginReloadedEventArgs>? Reloaded;

    public IConfiguration Configuration { get; }
    public IServiceProvider Services => Current.Services;
    public IReadOnlyList<PluginStatus> Plugins => Current.Statuses;
    public UseOptions Use => _use;

    public IMoodAnalyzer MoodAnalyzer => Selected<IMoodAnalyzer>();

    /// <summary>The sound mood analyzer <c>use:soundMoodAnalyzer</c> names, or "audio" when it names none.</summary>
    public ISoundMoodAnalyzer SoundMoodAnalyzer => Get<ISoundMoodAnalyzer>(_use.NameFor(PluginKind.SoundMoodAnalyzer) ?? "audio");
    public IReadOnlyList<IMusicSource> MusicSources => _use.MusicSources.Select(Get<IMusicSource>).ToArray();
    public IAudioCodec Codec => Selected<IAudioCodec>();

    /// <summary>
    /// The installed codec whose RTP encoding name is <paramref name="encodingName"/> ("opus", "L16"), the
    /// selected one first, or null: a player follows the codec the station announces.
    /// </summary>
    public IAudioCodec? CodecFor(string encodingName)
    {
        var selected = Codec;
        if (string.Equals(selected.EncodingName, encodingName, StringComparison.OrdinalIgnoreCase)) return selected;
        foreach (var name in Current.Catalog.Names(PluginKind.Codec))
        {
            var codec = Get<IAudioCodec>(name);
            if (string.Equals(codec.EncodingName, encodingName, StringComparison.OrdinalIgnoreCase)) return codec;
        }
        return null;
    }
    public ICryptoProvider Crypto => Selected<ICryptoProvider>();
    public IControlTransport ControlTransport => Selected<IControlTransport>();
    public IStreamTransport StreamTransport => Selected<IStreamTransport>();
    public IAudioOutput AudioOutput(string? name = null) => name is null ? Selected<IAudioOutput>() : Get<IAudioOutput>(name);

    /// <summary>The implementation <c>use</c> names for the kind whose interface is <typeparamref name="T"/>.</summary>
    public T Selected<T>() where T : class
    {
        var kind = PluginKinds.ForService(typeof(T)).Kind;
        var name = _use.NameFor(kind) ?? throw new ConfigurationException(
            $"{UseOptions.KeyOf(kind)} is empty, but this host needs it. Name an implementation there in mooddj.json (see docs/configuration.md).");
        return Get<T>(name);
    }

    /// <summary>Any implementation by kind (from <typeparamref name="T"/>) and name, e.g. <c>Get&lt;IAudioOutput&gt;("null")</c>.</summary>
    public T Get<T>(string name) where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        while (true)
        {
            var composition = Current;
            try
            {
                return Get<T>(composition, name);
            }
            catch (ObjectDisposedException) when (!_disposed && composition != _composition)
            {
                // A hot reload replaced (and disposed) the snapshot while we resolved: use the new one.
            }
        }
    }

    private T Get<T>(EngineComposition composition, string name) where T : class
    {
        var kind = PluginKinds.ForService(typeof(T)).Kind;
        if (!composition.Catalog.TryFind(kind, name, out var pluginId, out var implementation))
        {
            var installed = composition.Catalog.Names(kind);
            throw new ConfigurationException(
                $"No plugin provides {kind.ToName().Replace('-', ' ')} '{name}'; installed: {(installed.Count == 0 ? "none" : string.Join(", ", installed))}. Use one of those names.");
        }
        try
        {
            return composition.Services.GetRequiredKeyedService<T>(implementation.Name);
        }
        catch (Exception ex) when (ex is not PluginLoadException and not ObjectDisposedException)
        {
            var slot = composition.Slots.First(s => s.Id == pluginId);
            throw new PluginLoadException(pluginId, slot.Loaded?.EntryAssemblyPath ?? slot.Folder,
                $"creating {kind.ToName()} '{implementation.Name}' threw {ex.GetType().Name}: {ex.Message}",
                $"Check the plugin's settings under {PluginsOptions.SettingsKey(pluginId)}", ex);
        }
    }

    /// <summary>Reloads the plugin in <paramref name="folder"/> now (the watcher calls this after files change).</summary>
    public async Task<PluginStatus?> ReloadAsync(string folder)
    {
        folder = Path.GetFullPath(folder);
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        EngineComposition? old = null;
        PluginReloadedEventArgs? args = null;
        try
        {
            if (_disposed) return null;
            old = _composition;
            var known = old.Slots.Any(s => s.Folder == folder);
            if (!known && !Directory.Exists(folder)) return null;

            var slots = old.Slots.Where(s => s.Folder != folder).ToList();
            if (Directory.Exists(folder))
                slots.Add(_slotLoader.Load(folder));
            slots.Sort((a, b) => string.CompareOrdinal(a.Folder, b.Folder));
            // Slots of other plugins are reused as they are; only their DI singletons are created anew.
            var next = EngineComposition.Build(slots, Configuration, _loggerFactory);

            Exception? problem = null;
            try
            {
                UseValidator.Validate(_use, next, Configuration);
            }
            catch (Exception ex) when (ex is ConfigurationException or PluginLoadException)
            {
                problem = ex;
                _logger.LogError("After reloading {Folder}: {Message}", folder, ex.Message);
            }

            _composition = next;
            var status = next.Statuses.FirstOrDefault(s => s.Folder == folder);
            args = new PluginReloadedEventArgs(folder, status, problem);
            _logger.LogInformation("Reloaded plugin {Id}: {State}", status?.Id ?? Path.GetFileName(folder), status?.State);
            return status;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Reloading {Folder} failed", folder);
            old = null;
            args = new PluginReloadedEventArgs(folder, null, ex);
            return null;
        }
        finally
        {
            _reloadGate.Release();
            if (old is not null)
                await ReleaseReplaced(old, folder).ConfigureAwait(false);
            if (args is not null)
                Reloaded?.Invoke(this, args);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _watcher?.Dispose();
            await Release(_composition).ConfigureAwait(false);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private EngineComposition Current
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _composition;
        }
    }

    /// <summary>Disposes the reloaded plugin's old objects and unloads its old context; the rest of the old snapshot is left to the GC.</summary>
    private static async ValueTask ReleaseReplaced(EngineComposition old, string folder)
    {
        await old.ReleasePluginAsync(folder).ConfigureAwait(false);
        foreach (var slot in old.Slots.Where(s => s.Folder == folder))
            slot.Loaded?.Unload();
    }

    private static async ValueTask Release(EngineComposition composition)
    {
        await composition.DisposeAsync().ConfigureAwait(false);
        foreach (var slot in composition.Slots)
            slot.Loaded?.Unload();
    }

}

/// <summary>What a hot reload did: the folder, the plugin's new status (null if its folder is gone) and any error.</summary>
public sealed class PluginReloadedEventArgs(string folder, PluginStatus? status, Exception? error) : EventArgs
{
    public string Folder { get; } = folder;
    public PluginStatus? Status { get; } = status;

    /// <summary>Why the new composition cannot serve the configuration (e.g. the reloaded plugin now fails), or null.</summary>
    public Exception? Error { get; } = error;
}
