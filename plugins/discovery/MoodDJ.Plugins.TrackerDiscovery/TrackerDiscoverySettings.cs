using MoodDJ.Abstractions.Settings;
using MoodDJ.Peers.Tracker;

namespace MoodDJ.Plugins.TrackerDiscovery;

/// <summary>Settings of the tracker discovery plugin (<c>plugins:settings:tracker</c>).</summary>
public sealed class TrackerDiscoverySettings
{
    public const string DefaultTracker = "udp://127.0.0.1:5700";

    /// <summary>Trackers announced to, each <c>udp://host:port</c>; empty means <see cref="DefaultTracker"/> (`mooddj tracker` on this machine).</summary>
    public List<string> Trackers { get; set; } = [];

    /// <summary>First reply timeout; attempt n waits this × 2^n (BEP 15 says 15 s; a LAN answers in milliseconds).</summary>
    public int TimeoutMs { get; set; } = 1000;

    /// <summary>Attempts per request before a tracker counts as down for this round.</summary>
    public int Attempts { get; set; } = 4;

    public IReadOnlyList<TrackerAddress> Addresses() =>
        (Trackers.Count == 0 ? [DefaultTracker] : Trackers).Select(TrackerAddress.Parse).ToArray();

    public void Validate(string path)
    {
        Trackers.RemoveAll(string.IsNullOrWhiteSpace);
        for (int i = 0; i < Trackers.Count; i++)
            if (!TrackerAddress.TryParse(Trackers[i], out _, out _))
                throw SettingsRules.Invalid(path, $"trackers:{i}", $"is '{Trackers[i]}', not udp://host:port");
        SettingsRules.Range(path, "timeoutMs", TimeoutMs, 10, 60_000);
        SettingsRules.Range(path, "attempts", Attempts, 1, 9);
    }

    public UdpTrackerClientOptions ClientOptions() =>
        new() { InitialTimeout = TimeSpan.FromMilliseconds(TimeoutMs), MaxAttempts = Attempts };
}
