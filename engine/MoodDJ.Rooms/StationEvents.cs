using System.Globalization;
using Microsoft.Extensions.Logging;
using MoodDJ.Station;
using MoodDJ.Storage;

namespace MoodDJ.Rooms;

/// <summary>Writes each station's prompts (the moods people set) to the system event log.</summary>
public static class StationEvents
{
    /// <param name="room">The room name to log the moods under (a room's station); the station id when null.</param>
    public static void Attach(LiveStation station, IEventLog events, ILogger log, string? room = null)
    {
        station.Prompted += prompt =>
        {
            var text = prompt.Text.Length <= 200 ? prompt.Text : prompt.Text[..200] + "…";
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{prompt.Mood.Label.ToString().ToLowerInvariant()} (valence {prompt.Mood.Valence:0.00}, arousal {prompt.Mood.Arousal:0.00}): {text}");
            // Off the prompt's path: a slow or absent database must not hold the music back.
            _ = Task.Run(async () =>
            {
                try
                {
                    await events.AppendAsync(EventKinds.Mood, room ?? station.Id, prompt.Client, detail).ConfigureAwait(false);
                }
                catch (Exception e) when (e is StorageUnavailableException or InvalidOperationException)
                {
                    log.LogWarning("The mood of station '{Station}' was not logged: {Message}", station.Id, e.Message);
                }
            });
        };
    }
}
