using System.Text.Json;
using Microsoft.Extensions.Logging;
using MoodDJ.Protocol;

namespace MoodDJ.Station;

/// <summary>
/// Remembers each station's last prompt in a small JSON file (station:stateFile) so that after a
/// restart the station plays that mood again by itself, before any client prompts. Writes go to a
/// temporary file first and replace the old one, so a crash never leaves half a file.
/// </summary>
public sealed class StationStateStore(string path, ILogger? log = null)
{
    private readonly Lock _gate = new();

    public string Path { get; } = path;

    /// <summary>$XDG_STATE_HOME/mooddj/station-state.json, or ~/.local/state/mooddj/station-state.json.</summary>
    public static string DefaultPath()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrWhiteSpace(state) || !System.IO.Path.IsPathRooted(state))
            state = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return System.IO.Path.Combine(state, "mooddj", "station-state.json");
    }

    /// <summary>The last prompt of each station, by station id (empty when there is no file or it cannot be read).</summary>
    public IReadOnlyDictionary<string, SavedStation> Load()
    {
        try
        {
            if (!File.Exists(Path)) return new Dictionary<string, SavedStation>();
            var file = JsonSerializer.Deserialize<StateFile>(File.ReadAllText(Path), JsonRpcWriter.SerializerOptions);
            return file?.Stations ?? new Dictionary<string, SavedStation>();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // A damaged or unreadable file only costs the resume; say so and start fresh.
            log?.LogWarning("Cannot read the station state {Path} ({Error}); starting without the last mood.", Path, e.Message);
            return new Dictionary<string, SavedStation>();
        }
    }

    /// <summary>Records <paramref name="prompt"/> as <paramref name="stationId"/>'s last prompt.</summary>
    public void Save(string stationId, string prompt, string mood)
    {
        lock (_gate)
        {
            try
            {
                var stations = new Dictionary<string, SavedStation>(Load(), StringComparer.Ordinal)
                {
                    [stationId] = new SavedStation(prompt, mood, DateTimeOffset.UtcNow),
                };
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
                var temporary = Path + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(new StateFile(stations), JsonRpcWriter.SerializerOptions));
                File.Move(temporary, Path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log?.LogWarning("Cannot save the station state to {Path} ({Error}); set station:stateFile to a writable path.", Path, e.Message);
            }
        }
    }

    private sealed record StateFile(Dictionary<string, SavedStation> Stations);
}

/// <summary>A station's last prompt, the mood it read, and when.</summary>
public sealed record SavedStation(string Prompt, string Mood, DateTimeOffset SavedAt);
