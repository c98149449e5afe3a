using MoodDJ.Hosting.Configuration;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Hosting;
using MoodDJ.Client;
using MoodDJ.Protocol.Messages;
using MoodDJ.Protocol;
using MoodDJ.Station;

namespace MoodDJ.Bench;

/// <summary>Shared by the station scenarios: an engine over the bundled plugins with station ports 0.</summary>
internal static class StationBenchSupport
{
    public static MoodDJEngine StartEngine(string crypto, params (string Key, string Value)[] extra) => StartEngine(crypto, "pcm", extra);

    /// <summary>As above with <paramref name="codec"/> ("pcm": L16 44.1 kHz mono 10 ms; "opus": 48 kHz stereo 20 ms).</summary>
    public static MoodDJEngine StartEngine(string crypto, string codec, params (string Key, string Value)[] extra)
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var settings = new List<string>
        {
            $"--plugins:folder={Path.Combine(AppContext.BaseDirectory, "plugins")}",
            "--use:moodAnalyzer=lexicon", "--use:musicSources:0=generator", $"--use:codec={codec}", $"--use:crypto={crypto}",
            "--use:controlTransport=tcp", "--use:streamTransport=udp", "--use:audioOutput=null",
            $"--station:key={key}", "--station:bind=127.0.0.1", "--station:controlPort=0", "--station:streamPort=0", "--station:heartbeatPort=0",
            "--plugins:disabled:0=local", "--plugins:disabled:1=youtube", "--plugins:disabled:2=llm",
        };
        settings.AddRange(extra.Select(e => $"--{e.Key}={e.Value}"));
        return MoodDJEngine.Start(MoodDJConfiguration.Build(null, [.. settings]));
    }

    public static StationControlClient Client(MoodDJEngine engine, EndPoint station, string name) => new(engine.ControlTransport, engine.Crypto, new StationClientOptions
    {
        EndPoint = station,
        ClientName = name,
        HeartbeatInterval = Timeout.InfiniteTimeSpan,
        AutoReconnect = false,
        CallTimeout = TimeSpan.FromSeconds(30),
    });

    public static Task<SubscribeResult> SubscribeAsync(StationControlClient client, int port, CancellationToken ct = default) =>
        client.SubscribeAsync(port, ct);

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];
    }
}

/// <summary>An output that notes when the first non-silent sample reaches it, and otherwise discards audio.</summary>
internal sealed class FirstSoundOutput : IAudioOutput, IAudioPlayback
{
    private long _firstSound = -1;

    public AudioFormat Format { get; private set; } = AudioFormat.SeedMono;

    /// <summary>Stopwatch timestamp of the first sample above −60 dBFS, or −1.</summary>
    public long FirstSound => Interlocked.Read(ref _firstSound);

    public void Reset() => Interlocked.Exchange(ref _firstSound, -1);

    public ValueTask<IAudioPlayback> OpenAsync(AudioFormat format, CancellationToken cancellationToken = default)
    {
        Format = format;
        return ValueTask.FromResult<IAudioPlayback>(this);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Read(ref _firstSound) < 0)
            foreach (var s in samples.Span)
                if (Math.Abs(s) > 0.001f)
                {
                    Interlocked.CompareExchange(ref _firstSound, Stopwatch.GetTimestamp(), -1);
                    break;
                }
        return ValueTask.CompletedTask;
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
