using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>The built-in defaults (mooddj.defaults.json, embedded in the engine) that make MoodDJ run with no file at all.</summary>
internal static class EmbeddedDefaults
{
    private const string ResourceName = "MoodDJ.Hosting.Configuration.mooddj.defaults.json";

    public static Stream Open() =>
        typeof(EmbeddedDefaults).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"The engine was built without its embedded resource '{ResourceName}'.");
}
