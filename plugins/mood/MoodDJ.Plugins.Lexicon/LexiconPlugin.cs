using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// The plugin entry: registers the "lexicon" mood analyzer. Settings (plugins:settings:lexicon):
/// <c>dataFolder</c> (default: the lexicon/ folder beside this DLL), <c>extraLexicons</c> (term files
/// or folders of *.tsv, later ones override), <c>maxChars</c> (default 4000).
/// </summary>
public sealed class LexiconPlugin : IMoodDJPlugin
{
    public void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services, PluginContext context)
    {
        var settings = context.Settings;
        var dataFolder = settings["dataFolder"] is { Length: > 0 } folder
            ? Path.GetFullPath(folder, context.Folder)
            : Path.Combine(context.Folder, "lexicon");
        var extra = settings.GetSection("extraLexicons").GetChildren()
            .Select(c => c.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => Path.GetFullPath(v!))
            .ToList();
        var options = new LexiconAnalyzerOptions { MaxChars = ReadInt(settings, "maxChars", 4000) };
        // Load eagerly so a broken lexicon file is reported when the plugin loads, naming file and line.
        var analyzer = LexiconAnalyzer.Load(dataFolder, extra, options);
        services.AddMoodAnalyzer("lexicon", _ => analyzer);
    }

    private static int ReadInt(IConfiguration settings, string key, int fallback)
    {
        var raw = settings[key];
        if (string.IsNullOrWhiteSpace(raw))
            return fallback;
        if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 1)
            throw new ArgumentException($"plugins:settings:lexicon:{key} must be a positive whole number, got '{raw}'.");
        return value;
    }
}
