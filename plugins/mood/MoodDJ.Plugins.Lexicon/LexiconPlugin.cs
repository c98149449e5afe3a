using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Abstractions.Settings;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>The plugin entry: registers the "lexicon" mood analyzer. Settings (plugins:settings:lexicon): <see cref="LexiconSettings"/>.</summary>
public sealed class LexiconPlugin : IMoodDJPlugin
{
    public void Register(IServiceCollection services, PluginContext context)
    {
        var path = PluginOptionsExtensions.SettingsPath(context);
        services.AddPluginOptions<LexiconSettings>(context).ValidateSettings(s => s.Validate(path, context.Folder));
        // The dictionaries are built when the analyzer is first asked for; a broken term file is
        // then reported with its file and line.
        services.AddMoodAnalyzer("lexicon", sp =>
        {
            var settings = sp.GetRequiredService<IOptions<LexiconSettings>>().Value;
            return LexiconAnalyzer.Load(settings.DataFolderPath(context.Folder), settings.ExtraLexicons.Select(p => Path.GetFullPath(p)).ToList(),
                new LexiconAnalyzerOptions { MaxChars = settings.MaxChars, ModelWeight = settings.ModelWeight });
        });
    }
}

/// <summary>Settings of the lexicon plugin.</summary>
public sealed class LexiconSettings
{
    /// <summary>The folder of term files (default: the lexicon/ folder beside the plugin's DLL).</summary>
    public string? DataFolder { get; set; }

    /// <summary>More term files or folders of *.tsv; later ones override earlier terms.</summary>
    public List<string> ExtraLexicons { get; set; } = [];

    /// <summary>Characters analysed at most (longer text is cut).</summary>
    public int MaxChars { get; set; } = 4000;

    /// <summary>How much the trained model (model/ in the data folder) counts beside the rules; 0 turns it off.</summary>
    public double ModelWeight { get; set; } = 0.3;

    public string DataFolderPath(string pluginFolder) =>
        string.IsNullOrWhiteSpace(DataFolder) ? Path.Combine(pluginFolder, "lexicon") : Path.GetFullPath(DataFolder, pluginFolder);

    public void Validate(string path, string pluginFolder)
    {
        SettingsRules.Range(path, "maxChars", MaxChars, 1, 1_000_000);
        SettingsRules.Range(path, "modelWeight", ModelWeight, 0, 5);
        if (!Directory.Exists(DataFolderPath(pluginFolder)))
            throw SettingsRules.Invalid(path, "dataFolder", $"names '{DataFolderPath(pluginFolder)}', which does not exist");
        ExtraLexicons.RemoveAll(string.IsNullOrWhiteSpace);
    }
}
