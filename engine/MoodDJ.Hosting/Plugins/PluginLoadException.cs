using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// A plugin could not be loaded or composed. The message is one line naming the plugin, the file
/// and what to do; <see cref="PluginId"/> and <see cref="FilePath"/> carry the same for programs.
/// </summary>
public sealed class PluginLoadException : Exception
{
    public PluginLoadException(string pluginId, string filePath, string problem, string fix, Exception? inner = null)
        : base($"Plugin '{pluginId}' ({filePath}): {problem.TrimEnd('.')}. {fix}", inner)
    {
        PluginId = pluginId;
        FilePath = filePath;
        Problem = problem;
        Fix = fix;
    }

    private PluginLoadException(string message, PluginLoadException original)
        : base(message, original.InnerException)
    {
        PluginId = original.PluginId;
        FilePath = original.FilePath;
        Problem = original.Problem;
        Fix = original.Fix;
    }

    public string PluginId { get; }
    public string FilePath { get; }

    /// <summary>What was wrong, without the plugin and file (used as a status reason).</summary>
    public string Problem { get; }

    /// <summary>What to do about it.</summary>
    public string Fix { get; }

    /// <summary>The same failure, with a note on why the configuration cannot do without this plugin.</summary>
    internal PluginLoadException NeededBy(string why) => new($"{Message} ({why})", this);
}
