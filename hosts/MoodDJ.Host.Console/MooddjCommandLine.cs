using System.CommandLine;
using System.Reflection;

namespace MoodDJ.Host.Console;

/// <summary>
/// Builds the `mooddj` command line. Every subcommand is a class implementing <see cref="ICliCommand"/>
/// in the Commands folder; it is found by reflection, so adding a command never edits this file.
/// </summary>
internal static class MooddjCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var globals = new GlobalOptions();
        var root = Build(globals);
        return await root.Parse(args).InvokeAsync();
    }

    public static RootCommand Build(GlobalOptions globals)
    {
        var root = new RootCommand("MoodDJ: type how you feel, hear music that fits, live on every listener's device.");
        root.Add(globals.Config);
        root.Add(globals.Verbose);
        root.Add(globals.Set);
        var commands = typeof(MooddjCommandLine).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
            .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
            .Select(c => c.Create(globals))
            .OrderBy(c => c.Name, StringComparer.Ordinal);
        foreach (var command in commands)
            root.Add(command);
        return root;
    }
}

/// <summary>One `mooddj` subcommand. Implementations need a public parameterless constructor.</summary>
internal interface ICliCommand
{
    Command Create(GlobalOptions globals);
}

/// <summary>Options every subcommand accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<FileInfo?> Config { get; } = new("--config", "-c")
    {
        Description = "Path of mooddj.json (default: ./mooddj.json if present, else the embedded defaults).",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show debug logs and full stack traces.",
        Recursive = true,
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Override one configuration key, e.g. --set use:audioOutput=null (repeatable; wins over mooddj.json and MOODDJ__ variables).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };
}
