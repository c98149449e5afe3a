namespace MoodDJ.Plugins.Generator;

/// <summary>Band-limited-enough oscillators without per-sample transcendental calls.</summary>
internal static class Oscillators
{
    private const int TableSize = 4096;
    private static readonly float[] SineTable = BuildSine();

    /// <summary>sin(2π·<paramref name="cycles"/>) from a table with linear interpolation.</summary>
    public static float Sin(double cycles)
    {
        var x = (cycles - Math.Floor(cycles)) * TableSize;
        var i = (int)x;
        var frac = (float)(x - i);
        return SineTable[i] + (SineTable[i + 1] - SineTable[i]) * frac;
    }

    public static float Triangle(double phase) => (float)(4 * Math.Abs(phase - 0.5) - 1);

    public static float Saw(double phase, double inc) => (float)(2 * phase - 1 - PolyBlep(phase, inc));

    public static float Square(double phase, double inc)
    {
        var naive = phase < 0.5 ? 1.0 : -1.0;
        var shifted = phase + 0.5;
        if (shifted >= 1) shifted -= 1;
        return (float)(naive + PolyBlep(phase, inc) - PolyBlep(shifted, inc));
    }

    /// <summary>Smooths a step at phase 0 over one sample either side (removes most aliasing).</summary>
    private static double PolyBlep(double t, double dt)
    {
        if (t < dt)
        {
            t /= dt;
            return t + t - t * t - 1;
        }
        if (t > 1 - dt)
        {
            t = (t - 1) / dt;
            return t * t + t + t + 1;
        }
        return 0;
    }

    private static float[] BuildSine()
    {
        var table = new float[TableSize + 1];
        for (var i = 0; i <= TableSize; i++) table[i] = (float)Math.Sin(2 * Math.PI * i / TableSize);
        return table;
    }
}
