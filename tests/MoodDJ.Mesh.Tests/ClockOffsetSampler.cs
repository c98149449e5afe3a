using MoodDJ.Media;

namespace MoodDJ.Mesh.Tests;

/// <summary>
/// Samples players' station clock estimates every 50 ms while a sync test runs. Station and players
/// share one process and one clock (<see cref="MediaClock.Shared"/>), so every estimate's true value is 0:
/// what it reads is its error, and the difference between two players' is what sets them apart.
/// </summary>
internal sealed class ClockOffsetSampler : IAsyncDisposable
{
    private readonly Func<ClockOffsetEstimator?>[] _clocks;
    private readonly List<double[]> _rows = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public ClockOffsetSampler(params Func<ClockOffsetEstimator?>[] clocks)
    {
        _clocks = clocks;
        _running = Task.Run(SampleAsync);
    }

    private async Task SampleAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var row = new double[_clocks.Length];
                var ready = true;
                for (var i = 0; i < _clocks.Length; i++)
                {
                    if (_clocks[i]() is not { IsReady: true } clock) { ready = false; break; }
                    row[i] = MediaClock.Seconds(clock.OffsetAt(MediaClock.Shared.Now)) * 1e6;
                }
                if (ready) lock (_rows) _rows.Add(row);
                await Task.Delay(50, _stop.Token);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Median and p95 of |estimate| (µs) per player, and of |first − second| when there are two.</summary>
    public string Summary()
    {
        double[][] rows;
        lock (_rows) rows = [.. _rows];
        var parts = new List<string>();
        for (var i = 0; i < _clocks.Length; i++)
        {
            var abs = rows.Select(r => Math.Abs(r[i])).ToArray();
            parts.Add($"player {i + 1} |offset| p50 {SyncMeasure.Percentile(abs, 0.5):F1} µs p95 {SyncMeasure.Percentile(abs, 0.95):F1} µs");
        }
        if (_clocks.Length == 2)
        {
            var diff = rows.Select(r => Math.Abs(r[0] - r[1])).ToArray();
            parts.Add($"|difference| p50 {SyncMeasure.Percentile(diff, 0.5):F1} µs p95 {SyncMeasure.Percentile(diff, 0.95):F1} µs");
        }
        return $"clock estimates over {rows.Length} samples (truth 0): " + string.Join("; ", parts);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _running;
    }
}
