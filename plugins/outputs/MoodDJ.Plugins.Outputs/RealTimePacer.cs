using System.Diagnostics;

namespace MoodDJ.Plugins.Outputs;

/// <summary>
/// Holds a writer to the speed of playback: after each write it waits until no more than
/// <see cref="Lead"/> of audio is ahead of the wall clock, as a sound card's buffer would.
/// </summary>
internal sealed class RealTimePacer(int sampleRate, TimeSpan lead)
{
    private readonly Stopwatch _clock = new();
    private long _frames;

    public TimeSpan Lead { get; } = lead;

    public TimeSpan Written => TimeSpan.FromTicks(_frames * TimeSpan.TicksPerSecond / sampleRate);

    public ValueTask AdvanceAsync(long frames, CancellationToken cancellationToken)
    {
        if (!_clock.IsRunning) _clock.Start();
        _frames += frames;
        var ahead = Written - _clock.Elapsed - Lead;
        return ahead > TimeSpan.Zero ? new ValueTask(Task.Delay(ahead, cancellationToken)) : ValueTask.CompletedTask;
    }

    /// <summary>Waits until everything written has "played".</summary>
    public ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        var ahead = Written - _clock.Elapsed;
        return ahead > TimeSpan.Zero ? new ValueTask(Task.Delay(ahead, cancellationToken)) : ValueTask.CompletedTask;
    }
}
