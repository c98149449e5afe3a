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
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command;
            // A mistyped or missing command: one line naming it, not "Required command was not
            // provided" followed by every later word as an unrecognized argument.
            if (command is RootCommand)
            {
                var other = parsed.Errors.Select(e => e.Message).FirstOrDefault(m => m.Contains("'-", StringComparison.Ordinal));
                System.Console.Error.WriteLine($"mooddj: error: {DescribeMissingCommand(root, args, other)}");
                System.Console.Error.WriteLine("         (mooddj --help lists the commands)");
                return CommandRunner.Failed;
            }
            // One line per mistake, in words, not the whole help and a .NET type name.
            foreach (var error in parsed.Errors.Take(3))
                System.Console.Error.WriteLine($"mooddj: error: {(command.Subcommands.Count > 0 && error.Message.StartsWith("Required command", StringComparison.Ordinal)
                    ? $"mooddj {command.Name} needs one of: {string.Join(", ", command.Subcommands.Select(c => c.Name))}." : DescribeParseError(error.Message))}");
            var path = command is RootCommand ? "mooddj" : $"mooddj {command.Name}";
            System.Console.Error.WriteLine($"         ({path} --help lists the options)");
            return CommandRunner.Failed;
        }
        return await parsed.InvokeAsync();
    }

    /// <summary>"'analyse' is not a mooddj command. Did you mean 'analyze'?", or that no command was given.</summary>
    internal static string DescribeMissingCommand(RootCommand root, IReadOnlyList<string> args, string? optionError = null)
    {
        string? word = null;
        for (var i = 0; i < args.Count && word is null; i++)
        {
            if (!args[i].StartsWith('-')) word = args[i];
            else if (args[i] is "--config" or "-c" or "--set") i++; // skip the option's value
        }
        if (word is null) return optionError is not null ? DescribeParseError(optionError) : "no command given; for example: mooddj demo \"I feel happy\"";
        var names = root.Subcommands.Select(c => c.Name).ToList();
        var guess = names.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase) || EditDistance(n, word.ToLowerInvariant()) <= 2)
            .OrderBy(n => EditDistance(n, word.ToLowerInvariant())).FirstOrDefault();
        return guess is null ? $"'{word}' is not a mooddj command; the commands are: {string.Join(", ", names)}."
            : $"'{word}' is not a mooddj command. Did you mean '{guess}'?";
    }

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>"Cannot parse argument 'abc' for option '--port' as expected type 'System.Nullable`1[System.Int32]'." → "--port: 'abc' is not a whole number."</summary>
    internal static string DescribeParseError(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message,
            @"^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'");
        if (!match.Success) return message;
        var type = match.Groups["type"].Value;
        var kind = type.Contains("Int32") || type.Contains("Int64") ? "a whole number"
            : type.Contains("Double") || type.Contains("Single") || type.Contains("Decimal") ? "a number"
            : type.Contains("Boolean") ? "true or false"
            : type.Contains("FileInfo") ? "a file path"
            : "valid here";
        return $"{match.Groups["name"].Value}: '{match.Groups["value"].Value}' is not {kind}.";
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
