namespace MoodDJ.Music.Evaluation;

/// <summary>
/// Splits a development set into a working half (look at it, tune on it) and a kept-aside half
/// (only ever scored), so a figure on the second half says how the analyzer generalizes. The split is
/// deterministic and stratified: within each source and gold mood the rows are ordered by a fixed
/// hash of their text and dealt alternately, so every source and mood is split evenly and the same
/// file always gives the same halves.
/// </summary>
public static class MoodDevSplit
{
    public static (IReadOnlyList<MoodDevRow> Working, IReadOnlyList<MoodDevRow> KeptAside) Split(IEnumerable<MoodDevRow> rows)
    {
        var working = new List<MoodDevRow>();
        var aside = new List<MoodDevRow>();
        foreach (var group in rows.GroupBy(r => (r.Source, r.Mood)).OrderBy(g => g.Key.Source, StringComparer.Ordinal).ThenBy(g => g.Key.Mood, StringComparer.Ordinal))
        {
            var i = 0;
            foreach (var row in group.OrderBy(r => Fnv1a(r.Text)).ThenBy(r => r.Text, StringComparer.Ordinal))
                (i++ % 2 == 0 ? working : aside).Add(row);
        }
        return (working, aside);
    }

    /// <summary>The rows of one half by name: "working", "aside" (or "kept-aside"), or "all".</summary>
    public static IReadOnlyList<MoodDevRow> Half(IReadOnlyList<MoodDevRow> rows, string half) => half.ToLowerInvariant() switch
    {
        "all" => rows,
        "working" or "work" => Split(rows).Working,
        "aside" or "kept-aside" or "held" => Split(rows).KeptAside,
        _ => throw new ArgumentException($"Unknown half '{half}': use working, aside or all.", nameof(half)),
    };

    /// <summary>FNV-1a over the UTF-16 code units: stable across runs and runtimes (string.GetHashCode is not).</summary>
    public static uint Fnv1a(string text)
    {
        var h = 2166136261u;
        foreach (var c in text)
        {
            h = (h ^ (c & 0xFFu)) * 16777619u;
            h = (h ^ (uint)(c >> 8)) * 16777619u;
        }
        return h;
    }
}
