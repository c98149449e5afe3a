namespace MoodDJ.Plugins.Generator;

/// <summary>
/// Writes the notes of any bar from the arrangement alone (no memory of earlier bars), so a bar can
/// be composed again after a seek and come out the same.
/// </summary>
internal sealed class Composer(Arrangement arrangement)
{
    private const int Steps = 16;
    private const int IntroBars = 4;
    private const int SectionBars = 8;

    private readonly Arrangement _a = arrangement;
    private MoodStyle Style => _a.Style;

    /// <summary>Adds bar <paramref name="bar"/>'s notes to <paramref name="notes"/>, in a fixed order.</summary>
    public void Compose(int bar, List<NoteEvent> notes)
    {
        if (bar < 0 || bar >= _a.BarCount) return;
        var rng = DeterministicRandom.For(_a.Id.Seed, 0xBA5, bar);
        var outro = bar >= _a.BarCount - 2;
        var section = bar < IntroBars ? -1 : (bar - IntroBars) / SectionBars;
        var breakdown = section >= 0 && section % 4 == 3;
        var progression = section >= 0 && section % 2 == 1 ? _a.ProgressionB : _a.ProgressionA;
        var degree = outro ? 0 : progression[bar % progression.Length];

        AddBass(bar, degree, breakdown || outro, notes, ref rng);
        AddChords(degree, outro, notes, ref rng);
        if (bar >= 2 && !breakdown && !outro) AddDrums(bar, section, notes, ref rng);
        if (section >= 0 && !outro) AddMelody(bar, section, degree, notes, ref rng);
    }

    private void AddBass(int bar, int degree, bool sparse, List<NoteEvent> notes, ref DeterministicRandom rng)
    {
        var root = Fold(36 + _a.TonicPitchClass + _a.Scale.Semitones(degree), 33, 45);
        var fifth = Fold(36 + _a.TonicPitchClass + _a.Scale.Semitones(degree + 4), root, root + 12);
        void Note(double step, double length, int midi, float velocity)
            => notes.Add(new NoteEvent(Part.Bass, step, length, midi, velocity, 0));

        switch (sparse ? BassPattern.Whole : Style.Bass)
        {
            case BassPattern.Whole:
                Note(0, Steps, root, 0.9f);
                break;
            case BassPattern.Half:
                Note(0, 7.5, root, 0.9f);
                Note(8, 7.5, rng.Chance(0.5) ? fifth : root, 0.8f);
                break;
            case BassPattern.Quarter:
                for (var s = 0; s < Steps; s += 4) Note(s, 3.2, s == 8 && rng.Chance(0.4) ? fifth : root, s == 0 ? 0.95f : 0.8f);
                break;
            case BassPattern.Syncopated:
                Note(0, 5, root, 0.95f);
                Note(6, 1.6, fifth, 0.7f);
                Note(8, 4, root, 0.85f);
                Note(14, 1.6, rng.Chance(0.5) ? fifth : root + 12, 0.7f);
                break;
            case BassPattern.Eighths:
                for (var s = 0; s < Steps; s += 2) Note(s, 1.5, s is 6 or 14 ? fifth : root, s % 4 == 0 ? 0.95f : 0.75f);
                break;
            case BassPattern.EighthOctaves:
                for (var s = 0; s < Steps; s += 2) Note(s, 1.4, s % 4 == 0 ? root : root + 12, s % 4 == 0 ? 0.95f : 0.8f);
                break;
            case BassPattern.Sixteenths:
                for (var s = 0; s < Steps; s++) Note(s, 0.8, s is 7 or 15 && rng.Chance(0.5) ? fifth : root, s % 4 == 0 ? 1f : 0.7f);
                break;
        }
    }

    private void AddChords(int degree, bool outro, List<NoteEvent> notes, ref DeterministicRandom rng)
    {
        Span<int> chord = stackalloc int[4];
        var size = ChordTones(degree, chord);
        if (Style.PadPatch is not null || outro || Style.Chords == ChordPattern.Pad)
        {
            var part = Style.PadPatch is not null ? Part.Pad : Part.Chord;
            for (var i = 0; i < size; i++)
                notes.Add(new NoteEvent(part, 0, Steps, chord[i], 0.8f, (i - (size - 1) / 2f) * 0.5f));
        }
        if (outro) return;

        switch (Style.Chords)
        {
            case ChordPattern.Stabs:
                foreach (var s in (ReadOnlySpan<int>)[2, 6, 10, 14])
                    for (var i = 0; i < size; i++)
                        notes.Add(new NoteEvent(Part.Chord, s, 1.2, chord[i] + 12, s == 6 || s == 14 ? 0.8f : 0.65f, 0.3f));
                break;
            case ChordPattern.Pulse8:
                for (var s = 0; s < Steps; s += 2)
                    for (var i = 0; i < size; i++)
                        notes.Add(new NoteEvent(Part.Chord, s, 1.6, chord[i], s % 4 == 0 ? 0.6f : 0.9f, -0.25f));
                break;
            case ChordPattern.Arpeggio4:
            case ChordPattern.Arpeggio8:
            case ChordPattern.Arpeggio16:
            {
                var stride = Style.Chords switch { ChordPattern.Arpeggio4 => 4, ChordPattern.Arpeggio8 => 2, _ => 1 };
                var up = rng.Chance(0.7);
                for (int s = 0, n = 0; s < Steps; s += stride, n++)
                {
                    var index = n % (size + 1);
                    var midi = index == size ? chord[0] + 12 : chord[up ? index : size - 1 - index];
                    var velocity = (s % 4 == 0 ? 0.9f : 0.7f) * (0.92f + 0.16f * (float)rng.NextDouble());
                    notes.Add(new NoteEvent(Part.Chord, s, stride * 1.8, midi, velocity, n % 2 == 0 ? -0.35f : 0.35f));
                }
                break;
            }
            case ChordPattern.Power8:
            {
                var root = Fold(chord[0], 40, 52);
                for (var s = 0; s < Steps; s += 2)
                {
                    var velocity = s % 8 == 0 ? 1f : 0.75f;
                    notes.Add(new NoteEvent(Part.Chord, s, 1.5, root, velocity, -0.4f));
                    notes.Add(new NoteEvent(Part.Chord, s, 1.5, root + 7, velocity, 0.4f));
                    notes.Add(new NoteEvent(Part.Chord, s, 1.5, root + 12, velocity * 0.8f, 0));
                }
                break;
            }
        }
    }

    private void AddDrums(int bar, int section, List<NoteEvent> notes, ref DeterministicRandom rng)
    {
        var groove = Style.Drums;
        var fill = section >= 0 && (bar - IntroBars) % SectionBars == SectionBars - 1 && groove.Snare.Length > 0;
        AddLine(groove.Kick, Part.Kick, 36, 0, notes, ref rng);
        AddLine(fill ? groove.Snare[..12] : groove.Snare, Part.Snare, 38, 0.05f, notes, ref rng);
        AddLine(groove.Hat, Part.Hat, 42, 0.3f, notes, ref rng);
        AddLine(groove.OpenHat, Part.OpenHat, 46, -0.3f, notes, ref rng);
        if (fill)
            for (var s = 12; s < Steps; s++)
                notes.Add(new NoteEvent(Part.Snare, s, 1, 38, 0.45f + 0.15f * (s - 12), 0.05f));
    }

    private void AddLine(string line, Part part, int midi, float pan, List<NoteEvent> notes, ref DeterministicRandom rng)
    {
        for (var s = 0; s < line.Length; s++)
        {
            if (line[s] is < '1' or > '9') continue;
            var velocity = (line[s] - '0') / 9f * (0.9f + 0.2f * (float)rng.NextDouble());
            notes.Add(new NoteEvent(part, s, 1, midi, velocity, pan));
        }
    }

    private void AddMelody(int bar, int section, int degree, List<NoteEvent> notes, ref DeterministicRandom rng)
    {
        // The rhythm is a motif per section kind (A or B), so phrases repeat and feel composed.
        var motif = DeterministicRandom.For(_a.Id.Seed, 0x3E1, section % 2, bar % 2);
        var slot = Style.LongMelodyNotes ? 4 : 2;
        Span<int> onsets = stackalloc int[Steps];
        var count = 0;
        for (var s = 0; s < Steps; s += slot)
            if (s == 0 ? motif.Chance(Math.Min(0.95, _a.MelodyDensity + 0.3)) : motif.Chance(_a.MelodyDensity))
                onsets[count++] = s;
        if (count == 0) return;

        Span<int> chord = stackalloc int[4];
        var size = ChordTones(degree, chord);
        var melodyTonic = Fold(60 + _a.TonicPitchClass, 55, 67);
        // Start on a chord tone in the octave above the tonic, then move mostly by step.
        var current = degree + 7 + 2 * rng.Next(Math.Min(size, 3));
        var phraseEnd = bar % 4 == 3;
        for (var n = 0; n < count; n++)
        {
            var step = onsets[n];
            var next = n + 1 < count ? onsets[n + 1] : Steps;
            var last = n == count - 1;
            if (n > 0)
            {
                var move = rng.Next(10) switch { < 3 => 1, < 6 => -1, < 8 => 2, 8 => -2, _ => 0 };
                current += move;
                if (Style.PentatonicMelody) current = Pentatonic(current, move >= 0 ? 1 : -1);
                if (step % 8 == 0 || (last && phraseEnd)) current = NearestChordTone(current, degree, size);
            }
            current = Math.Clamp(current, 6, 17);
            if (last && phraseEnd) current = NearestChordTone(degree + 7, degree, 1);
            var midi = melodyTonic + _a.Scale.Semitones(current);
            var length = Math.Max(1, (next - step) * (Style.LongMelodyNotes ? 0.95 : 0.8));
            var velocity = (step % 4 == 0 ? 0.95f : 0.8f) * (0.9f + 0.2f * (float)rng.NextDouble());
            notes.Add(new NoteEvent(Part.Lead, step, length, midi, velocity, 0.1f));
            if (Style.Echo && step + 3 < Steps + 4)
                notes.Add(new NoteEvent(Part.Lead, step + 3, Math.Min(length, 3), midi, velocity * 0.3f, -0.6f));
        }
    }

    /// <summary>Writes the chord on <paramref name="degree"/> (triad or seventh) folded into one octave; returns its size.</summary>
    private int ChordTones(int degree, Span<int> chord)
    {
        var size = Style.Sevenths ? 4 : 3;
        var baseMidi = 48 + _a.TonicPitchClass;
        for (var i = 0; i < size; i++)
            chord[i] = Fold(baseMidi + _a.Scale.Semitones(degree + 2 * i), 55, 67);
        return size;
    }

    private int NearestChordTone(int scaleDegree, int chordDegree, int size)
    {
        var best = scaleDegree;
        var bestDistance = int.MaxValue;
        for (var d = scaleDegree - 3; d <= scaleDegree + 3; d++)
        {
            var relative = ((d - chordDegree) % 7 + 7) % 7;
            var isChordTone = relative % 2 == 0 && relative / 2 < size;
            if (isChordTone && Math.Abs(d - scaleDegree) < bestDistance)
            {
                best = d;
                bestDistance = Math.Abs(d - scaleDegree);
            }
        }
        return best;
    }

    /// <summary>Skips the two scale degrees a pentatonic scale leaves out (4th and 7th in major, 2nd and 6th in minor).</summary>
    private int Pentatonic(int degree, int direction)
    {
        var major = _a.Scale.Mode == "major";
        for (var guard = 0; guard < 3; guard++)
        {
            var d = ((degree % 7) + 7) % 7;
            var skip = major ? d is 3 or 6 : d is 1 or 5;
            if (!skip) return degree;
            degree += direction == 0 ? 1 : direction;
        }
        return degree;
    }

    private static int Fold(int midi, int low, int high)
    {
        while (midi < low) midi += 12;
        while (midi >= high) midi -= 12;
        return midi;
    }
}
