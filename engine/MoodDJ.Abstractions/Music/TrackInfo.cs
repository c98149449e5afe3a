namespace MoodDJ.Abstractions.Music;

/// <summary>
/// A track a music source can play. <see cref="Id"/> is unique within its source and stable, so a
/// station can avoid repeats and open the same track again.
/// </summary>
public sealed record TrackInfo
{
    public required string Source { get; init; }
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string Artist { get; init; } = "";
    public TimeSpan? Duration { get; init; }

    /// <summary>Where the track sits on the valence/arousal plane (−1..1), as the source judged it.</summary>
    public double Valence { get; init; }
    public double Arousal { get; init; }

    /// <summary>Anything else the source knows (tempo, key, URL, path…), for display and logs.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public override string ToString() => string.IsNullOrEmpty(Artist) ? Title : $"{Artist} – {Title}";
}
