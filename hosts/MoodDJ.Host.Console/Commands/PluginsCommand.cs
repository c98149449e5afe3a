using MoodDJ.Hosting.Plugins;
using System.CommandLine;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting;
using Spectre.Console;

namespace MoodDJ.Host.Console.Commands;

/// <summary>`mooddj plugins list`: every plugin in the plugin folder, its state and what it offers.</summary>
internal sealed class PluginsCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var list = new Command("list", "Show every plugin found, whether it is active, and why not.");
        list.SetAction((parseResult, ct) => CommandRunner.RunAsync(parseResult, globals, (context, _) =>
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("Plugin").AddColumn("Version").AddColumn("Kinds").AddColumn("Provides").AddColumn("State");
            foreach (var plugin in context.Engine.Plugins.OrderBy(p => p.Id, StringComparer.Ordinal))
            {
                var provides = string.Join(", ", plugin.Implementations.Select(i => i.Name));
                var state = plugin.Reason is { Length: > 0 } reason
                    ? $"{StateMarkup(plugin.State.ToString())}: {Markup.Escape(reason)}"
                    : StateMarkup(plugin.State.ToString());
                table.AddRow(Markup.Escape(plugin.Id), Markup.Escape(plugin.Version), Markup.Escape(string.Join(", ", plugin.Kinds.Select(k => k.ToName()))),
                    Markup.Escape(provides), state);
            }
            var console = AnsiConsole.Console;
            // Piped output has no terminal width; keep rows on one line so scripts can grep them.
            if (System.Console.IsOutputRedirected)
            {
                console.Profile.Width = 200;
                console.Profile.Capabilities.Ansi = false;
            }
            console.Write(table);
            console.MarkupLine($"[grey]Plugin folder: {Markup.Escape(PluginsOptions.Read(context.Configuration).Folder)}[/]");

            // The list is shown even when the selection is broken: that is when it is needed most.
            try
            {
                context.Engine.ValidateUse();
            }
            catch (Exception ex) when (ex is ConfigurationException or PluginLoadException)
            {
                System.Console.Error.WriteLine($"mooddj: error: the configured selection cannot start: {CommandRunner.Describe(ex)}");
                return Task.FromResult(CommandRunner.Failed);
            }
            return Task.FromResult(0);
        }, ct, inspectOnly: true));

        var plugins = new Command("plugins", "Inspect the plugins MoodDJ loads.");
        plugins.Add(list);
        return plugins;
    }

    private static string StateMarkup(string state) => state switch
    {
        "Active" => "[green]active[/]",
        "Disabled" => "[grey]disabled[/]",
        "NotSupported" => "[yellow]not supported[/]",
        _ => $"[red]{Markup.Escape(state.ToLowerInvariant())}[/]",
    };
}
