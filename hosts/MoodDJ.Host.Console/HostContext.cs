using MoodDJ.Hosting.Configuration;
using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MoodDJ.Hosting;

namespace MoodDJ.Host.Console;

/// <summary>
/// What a command needs to run: the configuration (embedded defaults, mooddj.json, MOODDJ__ env
/// vars, --set overrides), a logger factory writing to stderr (stdout stays free for PCM), and
/// the engine with its plugins loaded and composed.
/// </summary>
internal sealed class HostContext : IAsyncDisposable
{
    private HostContext(IConfigurationRoot configuration, ILoggerFactory loggerFactory, MutedCategories muted, MoodDJEngine engine, bool verbose)
    {
        _muted = muted;
        Configuration = configuration;
        LoggerFactory = loggerFactory;
        Engine = engine;
        Verbose = verbose;
    }

    private readonly MutedCategories _muted;

    public IConfigurationRoot Configuration { get; }
    public ILoggerFactory LoggerFactory { get; }
    public MoodDJEngine Engine { get; }
    public bool Verbose { get; }

    /// <summary>
    /// Loads configuration and plugins for the command being run. <paramref name="overrides"/> are
    /// configuration keys a command sets from its own options (e.g. demo's --out); they win over
    /// everything except an explicit --set.
    /// </summary>
    /// <param name="inspectOnly">Load every plugin but do not require the <c>use</c> selection to be satisfiable (for diagnostics).</param>
    /// <param name="prepare">Sees the configuration before the plugins start and returns more overrides (the station key a join code or the user's config folder supplies); an explicit --set still wins.</param>
    public static HostContext Create(ParseResult parseResult, GlobalOptions globals, IReadOnlyDictionary<string, string?>? overrides = null, bool inspectOnly = false,
        Func<IConfigurationRoot, IReadOnlyDictionary<string, string?>?>? prepare = null)
    {
        var verbose = parseResult.GetValue(globals.Verbose);
        var configPath = ResolveConfigPath(parseResult.GetValue(globals.Config));
        var sets = (parseResult.GetValue(globals.Set) ?? []).Select(a => "--" + ParseAssignment(a)).ToList();
        IConfigurationRoot Build(IReadOnlyDictionary<string, string?>? more) => MoodDJConfiguration.Build(configPath,
            [.. (overrides ?? new Dictionary<string, string?>()).Concat(more ?? new Dictionary<string, string?>()).Select(kv => $"--{kv.Key}={kv.Value}"), .. sets]);

        var configuration = Build(null);
        if (prepare?.Invoke(configuration) is { Count: > 0 } prepared)
            configuration = Build(prepared);
        var muted = new MutedCategories();
        var loggerFactory = CreateLoggerFactory(verbose, muted);
        try
        {
            var engine = inspectOnly
                ? MoodDJEngine.Inspect(configuration, loggerFactory)
                : MoodDJEngine.Start(configuration, loggerFactory);
            return new HostContext(configuration, loggerFactory, muted, engine, verbose);
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>--config wins; else ./mooddj.json when present; else only the embedded defaults.</summary>
    private static string? ResolveConfigPath(FileInfo? explicitPath)
    {
        if (explicitPath is not null)
        {
            if (!explicitPath.Exists)
                throw new UserFacingException($"Configuration file '{explicitPath.FullName}' does not exist. Check the --config path.");
            return explicitPath.FullName;
        }
        var local = Path.Combine(Environment.CurrentDirectory, "mooddj.json");
        return File.Exists(local) ? local : null;
    }

    private static string ParseAssignment(string assignment)
    {
        var eq = assignment.IndexOf('=');
        if (eq <= 0)
            throw new UserFacingException($"--set '{assignment}' is not of the form key=value (for example --set use:audioOutput=null).");
        return assignment;
    }

    /// <summary>
    /// The command prints the warnings of <paramref name="tap"/>'s categories itself (as plain lines),
    /// so the console logger leaves them out rather than say each twice; with --verbose the log keeps them.
    /// </summary>
    public void ShowWarningsThrough(WarningTap tap)
    {
        LoggerFactory.AddProvider(tap);
        if (!Verbose) _muted.Add(tap.CategoryPrefix);
    }

    private static ILoggerFactory CreateLoggerFactory(bool verbose, MutedCategories muted) =>
        Microsoft.Extensions.Logging.LoggerFactory.Create(builder =>
        {
            var minimum = verbose ? LogLevel.Debug : LogLevel.Warning;
            builder.SetMinimumLevel(minimum);
            // A provider filter replaces the minimum level for that provider, so it checks the level too.
            builder.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>((category, level) => level >= minimum && !muted.Covers(category));
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = Terminal.Plain ? Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled
                    : Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Default;
            });
            builder.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        LoggerFactory.Dispose();
    }

    /// <summary>Category prefixes the console logger leaves out (checked per message, so adding one later works).</summary>
    private sealed class MutedCategories
    {
        private volatile string[] _prefixes = [];

        public void Add(string prefix)
        {
            lock (this) _prefixes = [.. _prefixes, prefix];
        }

        public bool Covers(string? category) =>
            category is not null && _prefixes.Any(p => category.StartsWith(p, StringComparison.Ordinal));
    }
}
