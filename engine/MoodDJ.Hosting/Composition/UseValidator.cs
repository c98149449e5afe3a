using Microsoft.Extensions.Configuration;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Hosting.Plugins;
using MoodDJ.Hosting;

namespace MoodDJ.Hosting.Composition;

/// <summary>
/// Checks that every name in <c>use</c> is offered by an active plugin. When it is not, the error
/// explains why: a plugin that would offer it failed (its failure, as a <see cref="PluginLoadException"/>),
/// is disabled, or there is simply no such plugin (a <see cref="ConfigurationException"/> listing what is installed).
/// </summary>
internal static class UseValidator
{
    public static void Validate(UseOptions use, EngineComposition composition, IConfiguration configuration)
    {
        foreach (var choice in use.Choices())
        {
            if (composition.Catalog.TryFind(choice.Kind, choice.Name, out var providerId, out _))
            {
                var rejected = RejectedRival(composition.Slots, choice, providerId);
                if (rejected is not null)
                    throw rejected.Failure!.NeededBy($"{choice.Key} names '{choice.Name}', which both plugins offer");
                continue;
            }

            var failed = FailedCandidate(composition.Slots, choice);
            if (failed is not null)
                throw failed.Failure!.NeededBy($"needed for {choice.Key} = '{choice.Name}'");

            throw new ConfigurationException(Describe(choice, composition, configuration));
        }
    }

    private static string Describe(UseChoice choice, EngineComposition composition, IConfiguration configuration)
    {
        var kind = choice.Kind.ToName().Replace('-', ' ');
        var installed = composition.Catalog.Names(choice.Kind);
        var disabled = composition.Slots.Where(s => s.State == PluginState.Disabled && s.Manifest!.Kinds.Contains(choice.Kind)).Select(s => s.Id).ToArray();
        var source = ConfigurationSourceName.Of(configuration, choice.Key);
        var text = $"No plugin provides {kind} '{choice.Name}' ({choice.Key}, from {source}); installed: {(installed.Count == 0 ? "none" : string.Join(", ", installed))}.";
        if (disabled.Length > 0)
            text += $" Disabled by plugins:disabled: {string.Join(", ", disabled)}.";
        return text + " Fix the name, or add the plugin's folder to the plugin folder.";
    }

    /// <summary>A plugin that failed and, by its id or declared kinds, would likely have offered the name.</summary>
    private static PluginSlot? FailedCandidate(IReadOnlyList<PluginSlot> slots, UseChoice choice)
    {
        var failed = slots.Where(s => s.State is PluginState.Malfunctioned or PluginState.NotSupported && s.Failure is not null).ToArray();
        return failed.FirstOrDefault(s => string.Equals(s.Id, choice.Name, StringComparison.OrdinalIgnoreCase))
            ?? failed.FirstOrDefault(s => string.Equals(Path.GetFileName(s.Folder), choice.Name, StringComparison.OrdinalIgnoreCase))
            ?? failed.FirstOrDefault(s => s.Manifest is not null && s.Manifest.Kinds.Contains(choice.Kind));
    }

    /// <summary>A plugin rejected because it offers the same (kind, name) as <paramref name="providerId"/>.</summary>
    private static PluginSlot? RejectedRival(IReadOnlyList<PluginSlot> slots, UseChoice choice, string providerId) =>
        slots.FirstOrDefault(s => s.State == PluginState.Malfunctioned && s.Registration is not null && s.Id != providerId
            && s.Registration.Implementations.Any(i => i.Kind == choice.Kind && string.Equals(i.Name, choice.Name, StringComparison.OrdinalIgnoreCase)));
}
