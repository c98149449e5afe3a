using NAudio.Wave;

namespace MoodDJ.Music.Mixing;

/// <summary>
/// A <see cref="TrackDeck"/> as a mixer input. The deck never waits, but NAudio's mixer takes a short
/// read as "this input ended" and drops it for good; so an underrun (the decoder behind) is padded
/// with silence, and a read is short only at the real end of the track.
/// </summary>
internal sealed class DeckInput(TrackDeck deck) : ISampleProvider
{
    public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(deck.Format.SampleRate, deck.Format.Channels);

    public TrackDeck Deck => deck;

    public int Read(Span<float> buffer)
    {
        var n = deck.Read(buffer);
        while (n < buffer.Length)
        {
            if (deck.Drained) return n;
            var more = deck.Read(buffer[n..]);
            if (more == 0) break;
            n += more;
        }
        buffer[n..].Clear();
        return buffer.Length;
    }
}
