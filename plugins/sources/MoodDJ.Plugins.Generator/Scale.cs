namespace MoodDJ.Plugins.Generator;

/// <summary>A seven-note scale (semitones above the tonic) and whether it sounds major or minor.</summary>
internal sealed record Scale(string Name, int[] Steps)
{
    public static readonly Scale Major = new("major", [0, 2, 4, 5, 7, 9, 11]);
    public static readonly Scale Lydian = new("lydian", [0, 2, 4, 6, 7, 9, 11]);
    public static readonly Scale Mixolydian = new("mixolydian", [0, 2, 4, 5, 7, 9, 10]);
    public static readonly Scale Minor = new("minor", [0, 2, 3, 5, 7, 8, 10]);
    public static readonly Scale Dorian = new("dorian", [0, 2, 3, 5, 7, 9, 10]);
    public static readonly Scale Phrygian = new("phrygian", [0, 1, 3, 5, 7, 8, 10]);

    /// <summary>"major" when the third above the tonic is major, else "minor".</summary>
    public string Mode => Steps[2] == 4 ? "major" : "minor";

    /// <summary>Semitones above the tonic of scale degree <paramref name="degree"/> (any integer; 7 is the octave).</summary>
    public int Semitones(int degree)
    {
        var octave = (int)Math.Floor(degree / 7.0);
        return Steps[degree - octave * 7] + 12 * octave;
    }
}
