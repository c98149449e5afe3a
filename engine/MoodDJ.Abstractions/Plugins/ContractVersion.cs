namespace MoodDJ.Abstractions.Plugins;

/// <summary>
/// The version of the plugin contracts in this assembly. A plugin's manifest lists the contract
/// versions it was built against; the loader refuses a plugin that does not list this one.
/// Bump it only for a breaking change to an interface in MoodDJ.Abstractions.
/// </summary>
public static class ContractVersion
{
    public const int Current = 1;
}
