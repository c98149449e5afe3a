namespace MoodDJ.Plugins.Generator;

/// <summary>
/// SplitMix64: a tiny, fast, fully specified generator. Every musical choice is drawn from one seeded
/// from (track seed, bar, part), so any bar can be composed on its own (that is what makes seeking exact).
/// </summary>
internal struct DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed) => _state = seed;

    public static DeterministicRandom For(ulong seed, long a, long b = 0, long c = 0)
        => new(Hash(seed, (ulong)a, (ulong)b, (ulong)c));

    public static ulong Hash(ulong seed, ulong a, ulong b = 0, ulong c = 0)
    {
        ulong h = Mix(seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ a);
        h = Mix(h ^ (b * 0xBF58476D1CE4E5B9UL));
        return Mix(h ^ (c * 0x94D049BB133111EBUL));
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
