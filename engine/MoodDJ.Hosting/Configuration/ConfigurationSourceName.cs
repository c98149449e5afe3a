using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Configuration;

/// <summary>
/// Says where a key's value came from ("/etc/mooddj.json", "environment variable MOODDJ__use__codec",
/// "the command line", "the built-in defaults") so an error can point at the place to fix.
/// </summary>
public static class ConfigurationSourceName
{
    public static string Of(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
            return "the configuration";

        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _) && !HasChildren(provider, key))
                continue;
            return provider switch
            {
                JsonConfigurationProvider json => json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? "").PhysicalPath ?? json.Source.Path ?? "a JSON file",
                JsonStreamConfigurationProvider => "the built-in defaults",
                EnvironmentVariablesConfigurationProvider => $"environment variable {MoodDJConfiguration.EnvironmentPrefix}{key.Replace(":", "__")}",
                CommandLineConfigurationProvider => $"the command line (--{key})",
                _ => provider.ToString() ?? "the configuration",
            };
        }
        return "the configuration";
    }

    private static bool HasChildren(IConfigurationProvider provider, string key) =>
        provider.GetChildKeys([], key).Any();
}
