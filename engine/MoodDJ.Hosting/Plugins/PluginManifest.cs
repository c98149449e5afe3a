using System.Text.Json;
using System.Text.RegularExpressions;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Plugins;

/// <summary>
/// A plugin's plugin.json: who it is, what kinds it provides, which DLL holds its entry type and
/// which contract versions it was built against. <see cref="Read"/> validates every field.
/// </summary>
public sealed partial record PluginManifest
{
    public const string FileName = "plugin.json";

    public required string Id { get; init; }
    public required string Version { get; init; }
    public string Description { get; init; } = "";
    public required IReadOnlyList<PluginKind> Kinds { get; init; }

    /// <summary>File name (no folders) of the DLL that holds the plugin's entry type.</summary>
    public required string EntryAssembly { get; init; }

    public required IReadOnlyList<int> ContractVersions { get; init; }

    public bool Supports(int contractVersion) => ContractVersions.Contains(contractVersion);

    /// <summary>Reads and validates <paramref name="path"/>; throws <see cref="PluginLoadException"/> naming the field.</summary>
    public static PluginManifest Read(string path)
    {
        var fallbackId = Path.GetFileName(Path.GetDirectoryName(path)) ?? "?";
        if (!File.Exists(path))
            throw new PluginLoadException(fallbackId, path, "the folder has no plugin.json",
                "Every plugin folder needs a manifest beside its DLLs (see docs/plugins.md); remove the folder if it is not a plugin");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (JsonException ex)
        {
            throw new PluginLoadException(fallbackId, path,
                $"malformed JSON at line {(ex.LineNumber ?? 0) + 1}", "Fix the manifest's syntax (see docs/plugins.md for its fields)", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PluginLoadException(fallbackId, path, $"the manifest cannot be read ({ex.Message})", "Check the file's permissions", ex);
        }

        using (document)
        {
            var fields = new ManifestFields(document.RootElement, fallbackId, path);
            var id = fields.RequiredString("id");
            if (!IdPattern().IsMatch(id))
                throw fields.Error("id", $"'{id}' is not a valid id", "Use lower-case letters, digits, '-', '_' or '.', starting with a letter or digit");
            fields.PluginId = id;

            var entry = fields.RequiredString("entryAssembly");
            if (entry.IndexOfAny(['/', '\\']) >= 0 || !entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                throw fields.Error("entryAssembly", $"'{entry}' is not a DLL file name", "Give the file name of the plugin's DLL in the same folder, e.g. \"MyPlugin.dll\"");

            return new PluginManifest
            {
                Id = id,
                Version = fields.RequiredString("version"),
                Description = fields.OptionalString("description") ?? "",
                Kinds = fields.Kinds(),
                EntryAssembly = entry,
                ContractVersions = fields.ContractVersions(),
            };
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex IdPattern();

    /// <summary>Typed access to the manifest's properties, with errors naming the field.</summary>
    private sealed class ManifestFields(JsonElement root, string pluginId, string path)
    {
        public string PluginId { get; set; } = pluginId;

        public PluginLoadException Error(string field, string problem, string fix) =>
            new(PluginId, path, $"field '{field}': {problem}", fix);

        private JsonElement? Get(string name)
        {
            if (root.ValueKind != JsonValueKind.Object)
                throw new PluginLoadException(PluginId, path, "the manifest is not a JSON object", "Write it as { \"id\": ..., \"version\": ..., ... } (see docs/plugins.md)");
            foreach (var property in root.EnumerateObject())
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                    return property.Value;
            return null;
        }

        public string RequiredString(string name) =>
            OptionalString(name) is { Length: > 0 } value
                ? value
                : throw Error(name, "is missing or empty", $"Add \"{name}\" to the manifest (see docs/plugins.md)");

        public string? OptionalString(string name)
        {
            var value = Get(name);
            if (value is null || value.Value.ValueKind == JsonValueKind.Null) return null;
            if (value.Value.ValueKind != JsonValueKind.String)
                throw Error(name, $"must be a string, not {value.Value.ValueKind}", $"Write \"{name}\" as a quoted string");
            return value.Value.GetString()!.Trim();
        }

        private JsonElement RequiredArray(string name, string example)
        {
            var value = Get(name);
            if (value is null || value.Value.ValueKind != JsonValueKind.Array || value.Value.GetArrayLength() == 0)
                throw Error(name, "is missing or not a non-empty array", $"Add \"{name}\": {example}");
            return value.Value;
        }

        public IReadOnlyList<PluginKind> Kinds()
        {
            var known = string.Join(", ", PluginKindNames.All);
            var kinds = new List<PluginKind>();
            foreach (var item in RequiredArray("kinds", "[\"mood-analyzer\"]").EnumerateArray())
            {
                var name = item.ValueKind == JsonValueKind.String ? item.GetString() : item.ToString();
                if (!PluginKindNames.TryParse(name, out var kind))
                    throw Error("kinds", $"'{name}' is not a plugin kind", $"Use one of: {known}");
                if (!kinds.Contains(kind)) kinds.Add(kind);
            }
            return kinds;
        }

        public IReadOnlyList<int> ContractVersions()
        {
            var versions = new List<int>();
            foreach (var item in RequiredArray("contractVersions", $"[{Abstractions.Plugins.ContractVersion.Current}]").EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var version))
                    throw Error("contractVersions", $"'{item}' is not a whole number", $"List the contract versions the plugin was built against, e.g. [{Abstractions.Plugins.ContractVersion.Current}]");
                versions.Add(version);
            }
            return versions;
        }
    }
}
