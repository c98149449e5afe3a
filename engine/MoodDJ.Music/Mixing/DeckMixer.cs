using MoodDJ.Abstractions.Audio;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace MoodDJ.Music.Mixing;

/// <summary>
/// The director's audio path: an NAudio <see cref="MixingSampleProvider"/> of decks, each behind a
/// gap-filling <see cref="DeckInput"/>, a resampler when its source delivers another rate, and an
/// equal-power <see cref="DeckFader"/>. One deck is heard (<see cref="Current"/>); decks that a new
/// mood or a skip replaced fade out beside it and leave by themselves. Not thread-safe: the director
/// calls it under its own lock.
/// </summary>
internal sealed class DeckMixer
{
    private readonly MixingSampleProvider _mixer;
    private readonly AudioFormat _format;
    private readonly List<Input> _inputs = [];
    private readonly List<Input> _ended = [];
    private Input? _current;

    public DeckMixer(AudioFormat format)
    {
        _format = format;
        _mixer = new MixingSampleProvider(WaveFormat.CreateIeeeFloatWaveFormat(format.SampleRate, format.Channels)) { ReadFully = false };
        _mixer.MixerInputEnded += (_, e) => _ended.Add(_inputs.First(i => ReferenceEquals(i.Fader, e.SampleProvider)));
    }

    /// <summary>The deck heard now (or fading in), or null.</summary>
    public TrackDeck? Current => _current?.Deck;

    /// <summary>True while a replaced deck is still fading out.</summary>
    public bool IsCrossfading => _inputs.Exists(i => i.Reason is not null && !i.Fader.Ended);

    public IEnumerable<TrackDeck> Decks => _inputs.Select(i => i.Deck);

    /// <summary>Makes <paramref name="deck"/> the one heard. With <paramref name="fadeFrames"/> = 0 it starts at full level (nothing to fade from); otherwise the current deck fades out for <paramref name="reason"/> while this one fades in.</summary>
    public void Play(TrackDeck deck, int fadeFrames, TrackEndReason reason)
    {
        var crossfade = _current is not null && fadeFrames > 0;
        if (_current is { } outgoing)
        {
            outgoing.Reason = reason;
            outgoing.Fader.RampTo(0f, Math.Max(1, fadeFrames), endWhenSilent: true);
        }
        var fader = new DeckFader(Chain(deck), crossfade ? 0f : 1f);
        if (crossfade) fader.RampTo(1f, fadeFrames);
        _current = new Input(deck, fader);
        _inputs.Add(_current);
        _mixer.AddMixerInput(fader);
    }

    /// <summary>
    /// How many samples (whole frames, at most <paramref name="wanted"/>) can be mixed now without
    /// starving a deck whose decoder is still running (its underrun would be padded as a dropout),
    /// and the deck to wait on when that is 0.
    /// </summary>
    public int Readable(int wanted, out TrackDeck? waitOn)
    {
        waitOn = null;
        if (_inputs.Count == 0) return 0;
        var readable = wanted;
        foreach (var input in _inputs)
        {
            if (input.Fader.Ended || input.Deck.PumpFinished) continue;
            var available = (long)input.Deck.Available / input.Deck.Format.Channels; // frames at the deck's rate
            if (input.Deck.Format.SampleRate != _format.SampleRate)
                available = Math.Max(0, available * _format.SampleRate / input.Deck.Format.SampleRate - 64); // the resampler reads ahead
            var samples = (int)Math.Min(int.MaxValue, available * _format.Channels);
            if (samples < readable)
            {
                readable = samples;
                waitOn = input.Deck;
            }
        }
        return readable / _format.Channels * _format.Channels;
    }

    /// <summary>Mixes into <paramref name="buffer"/>; returns how many samples came (fewer when every deck ended). Decks that ended are added to <paramref name="ended"/> with the reason they were replaced (null: the heard deck played out).</summary>
    public int Read(Span<float> buffer, List<(TrackDeck Deck, TrackEndReason? Reason)> ended)
    {
        var n = _mixer.Read(buffer);
        foreach (var input in _ended)
        {
            _inputs.Remove(input);
            if (input == _current) _current = null;
            ended.Add((input.Deck, input.Reason));
        }
        _ended.Clear();
        return n;
    }

    /// <summary>Takes every deck out (the director is stopping).</summary>
    public void Clear()
    {
        _mixer.RemoveAllMixerInputs();
        _inputs.Clear();
        _current = null;
    }

    /// <summary>deck → (resampled to the program's rate) → the channel count the mixer wants.</summary>
    private ISampleProvider Chain(TrackDeck deck)
    {
        ISampleProvider chain = new DeckInput(deck);
        if (deck.Format.SampleRate != _format.SampleRate) chain = new WdlResamplingSampleProvider(chain, _format.SampleRate);
        if (deck.Format.Channels != _format.Channels)
            chain = (deck.Format.Channels, _format.Channels) switch
            {
                (1, 2) => new MonoToStereoSampleProvider(chain),
                (2, 1) => new StereoToMonoSampleProvider(chain),
                var (from, to) => throw new NotSupportedException($"'{deck.Track}' has {from} channels; the program has {to}."),
            };
        return chain;
    }

    private sealed class Input(TrackDeck deck, DeckFader fader)
    {
        public TrackDeck Deck { get; } = deck;
        public DeckFader Fader { get; } = fader;
        /// <summary>Why it is fading out, once it is.</summary>
        public TrackEndReason? Reason { get; set; }
    }
}
