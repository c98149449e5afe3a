namespace MoodDJ.Engine.Audio;

/// <summary>A key: tonic pitch class (0 = C) and mode.</summary>
public readonly record struct MusicalKey(int Tonic, bool IsMajor, double Correlation)
{
    private static readonly string[] Names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];

    public override string ToString() => $"{Names[Tonic]} {(IsMajor ? "major" : "minor")}";
}

/// <summary>Key and mode from chroma by correlation with the Krumhansl–Kessler key profiles.</summary>
public static class KeyEstimator
{
    private static readonly double[] MajorProfile = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
    private static readonly double[] MinorProfile = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

    public static MusicalKey Estimate(ReadOnlySpan<double> chroma)
    {
        if (chroma.Length != 12) throw new ArgumentException("Chroma has 12 pitch classes.", nameof(chroma));
        var best = new MusicalKey(0, true, double.NegativeInfinity);
        for (var tonic = 0; tonic < 12; tonic++)
        {
            var major = Correlate(chroma, MajorProfile, tonic);
            if (major > best.Correlation) best = new MusicalKey(tonic, true, major);
            var minor = Correlate(chroma, MinorProfile, tonic);
            if (minor > best.Correlation) best = new MusicalKey(tonic, false, minor);
        }
        return best;
    }

    private static double Correlate(ReadOnlySpan<double> chroma, double[] profile, int tonic)
    {
        double meanC = 0, meanP = 0;
        for (var i = 0; i < 12; i++)
        {
            meanC += chroma[i];
            meanP += profile[i];
        }
        meanC /= 12;
        meanP /= 12;
        double num = 0, dc = 0, dp = 0;
        for (var i = 0; i < 12; i++)
        {
            var c = chroma[(i + tonic) % 12] - meanC;
            var p = profile[i] - meanP;
            num += c * p;
            dc += c * c;
            dp += p * p;
        }
        return dc == 0 ? 0 : num / Math.Sqrt(dc * dp);
    }
}
