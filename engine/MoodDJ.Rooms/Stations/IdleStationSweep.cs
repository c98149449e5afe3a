using Microsoft.Extensions.Logging;

namespace MoodDJ.Rooms.Stations;

/// <summary>
/// Stops room stations nobody has used for rooms:idleStationSeconds. Checks four times per idle period
/// (at least every 250 ms, at most every minute), so a station stops at most about a quarter period late.
/// </summary>
internal sealed class IdleStationSweep : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _running;

    /// <param name="occupied">Whether anyone is in a room (or joining it): such a room's station is not idle.</param>
    public IdleStationSweep(RoomStations stations, Func<long, bool> occupied, TimeSpan idleFor, ILogger log) =>
        _running = RunAsync(stations, occupied, idleFor, log, _stopping.Token);

    private static async Task RunAsync(RoomStations stations, Func<long, bool> occupied, TimeSpan idleFor, ILogger log, CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(idleFor.Ticks / 4, TimeSpan.TicksPerMillisecond * 250, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await stations.StopIdleAsync(occupied, idleFor).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Stopping idle room stations failed; the next sweep tries again.");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
