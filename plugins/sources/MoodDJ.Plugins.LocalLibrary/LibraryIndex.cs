using MoodDJ.Plugins.Shared.Audio;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.LocalLibrary;

/// <summary>One indexed track as stored: its file identity, tags, features, placement and overrides.</summary>
public sealed record IndexedTrack(string Path, long Size, long MtimeTicks, string Title, string Artist, TimeSpan? Duration,
    AudioFeatures Features, double Valence, double Arousal, MoodOverride? Override)
{
    /// <summary>Where the track sits once the user's override is applied.</summary>
    public (double Valence, double Arousal) Effective
    {
        get
        {
            var (v, a) = (Valence, Arousal);
            if (Override?.Mood is { } mood) (v, a) = MoodMapper.PointOf(mood);
            return (Override?.Valence ?? v, Override?.Arousal ?? a);
        }
    }
}

/// <summary>
/// The SQLite index of a music folder, keyed by relative path with size and mtime, so a re-index
/// analyses only what changed. Also remembers skipped files (with the reason) for the same purpose.
/// </summary>
public sealed class LibraryIndex
{
    private const int SchemaVersion = 1;
    private readonly string _connectionString;

    public LibraryIndex(string databasePath)
    {
        DatabasePath = databasePath;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS tracks(
              path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
              title TEXT NOT NULL, artist TEXT NOT NULL, duration_ms INTEGER,
              loudness REAL NOT NULL, energy REAL NOT NULL, brightness REAL NOT NULL,
              tempo REAL NOT NULL, tempo_confidence REAL NOT NULL, onsets REAL NOT NULL,
              valence REAL NOT NULL, arousal REAL NOT NULL,
              override_mood TEXT, override_valence REAL, override_arousal REAL);
            CREATE TABLE IF NOT EXISTS skipped(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, reason TEXT NOT NULL);
            """);
        Execute(connection, $"INSERT OR IGNORE INTO meta(key, value) VALUES('schema', '{SchemaVersion}')");
    }

    public string DatabasePath { get; }

    /// <summary>Size and mtime of every file the index knows (tracks and skipped files).</summary>
    public Dictionary<string, (long Size, long Mtime)> KnownFiles()
    {
        var known = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path, size, mtime FROM tracks UNION ALL SELECT path, size, mtime FROM skipped";
        using var reader = command.ExecuteReader();
        while (reader.Read())
            known[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return known;
    }

    public void Upsert(string path, long size, long mtime, TrackAnalysis analysis, double valence, double arousal)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Run(connection, "DELETE FROM skipped WHERE path = $path", ("$path", path));
        Run(connection, """
            INSERT INTO tracks(path, size, mtime, title, artist, duration_ms, loudness, energy, brightness, tempo, tempo_confidence, onsets, valence, arousal)
            VALUES($path, $size, $mtime, $title, $artist, $duration, $loudness, $energy, $brightness, $tempo, $tempoConfidence, $onsets, $valence, $arousal)
            ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime=excluded.mtime, title=excluded.title, artist=excluded.artist,
              duration_ms=excluded.duration_ms, loudness=excluded.loudness, energy=excluded.energy, brightness=excluded.brightness,
              tempo=excluded.tempo, tempo_confidence=excluded.tempo_confidence, onsets=excluded.onsets, valence=excluded.valence, arousal=excluded.arousal
            """,
            ("$path", path), ("$size", size), ("$mtime", mtime), ("$title", analysis.Title), ("$artist", analysis.Artist),
            ("$duration", analysis.Duration is { } d ? (long)d.TotalMilliseconds : DBNull.Value),
            ("$loudness", analysis.Features.LoudnessDb), ("$energy", analysis.Features.Energy), ("$brightness", analysis.Features.BrightnessHz),
            ("$tempo", analysis.Features.TempoBpm), ("$tempoConfidence", analysis.Features.TempoConfidence), ("$onsets", analysis.Features.OnsetsPerSecond),
            ("$valence", valence), ("$arousal", arousal));
        transaction.Commit();
    }

    public void MarkSkipped(string path, long size, long mtime, string reason)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Run(connection, "DELETE FROM tracks WHERE path = $path", ("$path", path));
        Run(connection, "INSERT OR REPLACE INTO skipped(path, size, mtime, reason) VALUES($path, $size, $mtime, $reason)",
            ("$path", path), ("$size", size), ("$mtime", mtime), ("$reason", reason));
        transaction.Commit();
    }

    /// <summary>Removes every entry whose path is not in <paramref name="present"/>; returns the removed paths.</summary>
    public List<string> RemoveMissing(IReadOnlySet<string> present)
    {
        var removed = KnownFiles().Keys.Where(p => !present.Contains(p)).ToList();
        if (removed.Count == 0) return removed;
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        foreach (var path in removed)
        {
            Run(connection, "DELETE FROM tracks WHERE path = $path", ("$path", path));
            Run(connection, "DELETE FROM skipped WHERE path = $path", ("$path", path));
        }
        transaction.Commit();
        return removed;
    }

    /// <summary>Replaces every track's override with the sidecar's (tracks not in it get none).</summary>
    public void ApplyOverrides(IReadOnlyDictionary<string, MoodOverride> overrides)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Run(connection, "UPDATE tracks SET override_mood = NULL, override_valence = NULL, override_arousal = NULL");
        foreach (var (path, o) in overrides)
        {
            Run(connection, "UPDATE tracks SET override_mood = $mood, override_valence = $valence, override_arousal = $arousal WHERE path = $path",
                ("$path", path), ("$mood", o.Mood?.ToString() ?? (object)DBNull.Value),
                ("$valence", o.Valence ?? (object)DBNull.Value), ("$arousal", o.Arousal ?? (object)DBNull.Value));
        }
        transaction.Commit();
    }

    public List<IndexedTrack> Tracks()
    {
        var tracks = new List<IndexedTrack>();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT path, size, mtime, title, artist, duration_ms, loudness, energy, brightness, tempo, tempo_confidence, onsets,
                   valence, arousal, override_mood, override_valence, override_arousal FROM tracks ORDER BY path
            """;
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            MoodOverride? o = null;
            if (!r.IsDBNull(14) || !r.IsDBNull(15) || !r.IsDBNull(16))
                o = new MoodOverride(r.IsDBNull(14) ? null : Enum.Parse<MoodLabel>(r.GetString(14)),
                    r.IsDBNull(15) ? null : r.GetDouble(15), r.IsDBNull(16) ? null : r.GetDouble(16));
            tracks.Add(new IndexedTrack(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : TimeSpan.FromMilliseconds(r.GetInt64(5)),
                new AudioFeatures(r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), r.GetDouble(9), r.GetDouble(10), r.GetDouble(11)),
                r.GetDouble(12), r.GetDouble(13), o));
        }
        return tracks;
    }

    /// <summary>Skipped files and why.</summary>
    public Dictionary<string, string> Skipped()
    {
        var skipped = new Dictionary<string, string>(StringComparer.Ordinal);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path, reason FROM skipped";
        using var r = command.ExecuteReader();
        while (r.Read()) skipped[r.GetString(0)] = r.GetString(1);
        return skipped;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 5000";
        busy.ExecuteNonQuery();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql) => Run(connection, sql);

    private static void Run(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value is double d ? Math.Round(d, 6) : value);
        command.ExecuteNonQuery();
    }
}
