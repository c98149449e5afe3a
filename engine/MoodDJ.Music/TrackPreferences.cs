using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;

namespace MoodDJ.Music;

/// <summary>
/// The listeners' /like and /dislike, per mood: liked tracks are picked first for that mood, disliked
/// ones never. Kept in a small JSON file (music:preferencesFile) that is rewritten atomically (a
/// temporary file renamed over it), so a crash mid-write never leaves half a file.
/// </summary>
internal sealed class TrackPreferences
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly object _gate = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly string? _path;
    private readonly Dictionary<string, MoodEntry> _moods;

    private TrackPreferences(string? path, Dictionary<string, MoodEntry> moods) => (_path, _moods) = (path, moods);

    /// <summary>Reads the file (a missing file is an empty start; a broken one is logged and replaced on the next change).</summary>
    public static TrackPreferences Load(string? path, ILogger logger)
    {
        var moods = new Dictionary<string, MoodEntry>(StringComparer.OrdinalIgnoreCase);
        if (path is not null && File.Exists(path))
        {
            try
            {
                var file = JsonSerializer.Deserialize<PreferencesFile>(File.ReadAllText(path), Json);
                foreach (var (mood, entry) in file?.Moods ?? [])
                    moods[mood] = new MoodEntry { Liked = entry.Liked ?? [], Disliked = entry.Disliked ?? [] };
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Cannot read the likes and dislikes in {Path} ({Reason}); starting without them", path, e.Message);
            }
        }
        return new TrackPreferences(path, moods);
    }

    public bool IsDisliked(MoodLabel mood, TrackInfo track)
    {
        lock (_gate) return _moods.TryGetValue(Name(mood), out var entry) && entry.Disliked.Exists(t => t.Matches(track));
    }

    public bool IsLiked(MoodLabel mood, TrackInfo track)
    {
        lock (_gate) return _moods.TryGetValue(Name(mood), out var entry) && entry.Liked.Exists(t => t.Matches(track));
    }

    public Task LikeAsync(MoodLabel mood, TrackInfo track, CancellationToken cancellationToken) => ChangeAsync(mood, track, like: true, cancellationToken);

    public Task DislikeAsync(MoodLabel mood, TrackInfo track, CancellationToken cancellationToken) => ChangeAsync(mood, track, like: false, cancellationToken);

    private async Task ChangeAsync(MoodLabel mood, TrackInfo track, bool like, CancellationToken cancellationToken)
    {
        string json;
        lock (_gate)
        {
            if (!_moods.TryGetValue(Name(mood), out var entry)) _moods[Name(mood)] = entry = new MoodEntry();
            entry.Liked.RemoveAll(t => t.Matches(track));
            entry.Disliked.RemoveAll(t => t.Matches(track));
            (like ? entry.Liked : entry.Disliked).Add(new TrackRef(track.Source, track.Id, track.ToString()));
            json = JsonSerializer.Serialize(new PreferencesFile(_moods), Json);
        }
        if (_path is null) return;
        await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temporary = $"{_path}.{Environment.ProcessId}.tmp";
            await File.WriteAllTextAsync(temporary, json, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, _path, overwrite: true); // rename: readers see the old file or the new one, never half
        }
        finally
        {
            _writing.Release();
        }
    }

    private static string Name(MoodLabel mood) => mood.ToString().ToLowerInvariant();

    private sealed record PreferencesFile(Dictionary<string, MoodEntry> Moods);

    private sealed class MoodEntry
    {
        public List<TrackRef> Liked { get; init; } = [];
        public List<TrackRef> Disliked { get; init; } = [];
    }

    private sealed record TrackRef(string Source, string Id, string Title)
    {
        public bool Matches(TrackInfo track) => Source == track.Source && Id == track.Id;
    }
}
