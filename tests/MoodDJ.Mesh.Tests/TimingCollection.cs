namespace MoodDJ.Mesh.Tests;

/// <summary>
/// The swarm and the click-track sync tests measure timing in one process on a 2-core machine: xunit runs
/// test classes in parallel, and a 30-peer swarm beside a sync measurement starved both (frames late).
/// In one collection they take turns.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
