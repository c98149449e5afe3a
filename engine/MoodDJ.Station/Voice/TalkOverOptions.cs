namespace MoodDJ.Station.Voice;

/// <summary>How voice is mixed over the music (the <c>station:talk*</c> keys, docs/configuration.md).</summary>
internal sealed record TalkOverOptions(int MaxTalkers, double DuckDecibels, int DuckRampMilliseconds, int PrefillMilliseconds, int HoldMilliseconds, int MaxQueueMilliseconds, int MaxLagMilliseconds)
{
    public float DuckGain => (float)Math.Pow(10, DuckDecibels / 20);

    public static TalkOverOptions From(StationOptions station) => new(station.MaxTalkers, station.TalkDuckDecibels, 60, station.TalkPrefillMilliseconds, 400, 1000, 100);
}
