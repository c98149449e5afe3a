using Microsoft.Extensions.Configuration;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>
/// Builds MoodDJ's configuration in layers, each overriding the one before: the built-in defaults,
/// then mooddj.json, then environment variables <c>MOODDJ__section__key</c>, then the command line
/// (<c>--section:key=value</c>).
/// </summary>
public static class MoodDJConfiguration
{
    /// <summary>The file looked for in the current directory when no path is given.</summary>
    public const string DefaultFileName = "mooddj.json";

    /// <summary>The prefix of environment variables that override keys (<c>MOODDJ__use__codec=opus</c>).</summary>
    public const string EnvironmentPrefix = "MOODDJ__";

    /// <param name="jsonPath">mooddj.json to read; it must exist when given. When null, ./mooddj.json is read if present.</param>
    /// <param name="commandLine">Arguments like <c>--use:moodAnalyzer=llm</c>; arguments without a leading dash are ignored.</param>
    public static IConfigurationRoot Build(string? jsonPath = null, string[]? commandLine = null)
    {
        var builder = new ConfigurationBuilder();
        builder.AddJsonStream(EmbeddedDefaults.Open());

        var file = ResolveFile(jsonPath);
        if (file is not null)
        {
            JsonSyntaxCheck.ThrowIfMalformed(file);
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (commandLine is { Length: > 0 })
            builder.AddCommandLine(commandLine);

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (FormatException ex)
        {
            // The command-line provider rejects "-x" switches it has no mapping for.
            throw new ConfigurationException($"Command line: {ex.Message} Write settings as --section:key=value.", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigurationException($"{file}: {ex.Message} Fix the file or pass another with --config.", ex);
        }
        ConfigurationErrors.RejectUnknownSections(root);
        return root;
    }

    private static string? ResolveFile(string? jsonPath)
    {
        if (jsonPath is null)
        {
            var candidate = Path.GetFullPath(DefaultFileName);
            return File.Exists(candidate) ? candidate : null;
        }
        var full = Path.GetFullPath(jsonPath);
        if (!File.Exists(full))
            throw new ConfigurationException($"Configuration file '{full}' does not exist. Check the path given with --config, or leave it out to use the built-in defaults.");
        return full;
    }
}
