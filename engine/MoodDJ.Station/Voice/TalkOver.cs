using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Codecs;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace MoodDJ.Station.Voice;

/// <summary>
/// Voice over the music (push to talk): talkers' frames, in the station's codec, are decoded into a
/// short queue each; the pump's program reader runs the director's frame and every talker through
/// NAudio's <see cref="MixingSampleProvider"/>, with the music ducked while anyone is talking. The
/// result is encoded once, so every listener, relay and outside player hears the same mix.
/// Frames are added from control sessions and read by the pump thread, hence the lock.
/// </summary>
internal sealed class TalkOver : IDisposable
{
    private readonly AudioFormat _format;
    private readonly IAudioCodec _codec;
    private readonly int _frameSamplesPerChannel;
    private readonly TalkOverOptions _options;
    private readonly MixingSampleProvider _mixer;
    private readonly ProgramInput _program;
    private readonly Dictionary<string, TalkerInput> _talkers = new(StringComparer.Ordinal);
    private readonly List<TalkerInput> _gone = [];
    private readonly Lock _gate = new();

    public TalkOver(AudioFormat format, IAudioCodec codec, int frameSamplesPerChannel, TalkOverOptions options)
    {
        _format = format;
        _codec = codec;
        _frameSamplesPerChannel = frameSamplesPerChannel;
        _options = options;
        var wave = WaveFormat.CreateIeeeFloatWaveFormat(format.SampleRate, format.Channels);
        _program = new ProgramInput(wave, options.DuckGain, format.SampleRate * format.Channels * options.DuckRampMilliseconds / 1000);
        _mixer = new MixingSampleProvider(wave) { ReadFully = true };
        _mixer.AddMixerInput(_program);
    }

    /// <summary>Talkers heard right now.</summary>
    public int Talking
    {
        get { lock (_gate) return _talkers.Values.Count(t => t.IsTalking); }
    }

    /// <summary>
    /// Adds one encoded frame from <paramref name="talker"/> (a control session). Refuses with a reason
    /// a talker beyond <see cref="TalkOverOptions.MaxTalkers"/>, a frame the decoder cannot read, or a
    /// talker sending faster than real time allows (its queue is full).
    /// </summary>
    public bool TryAdd(string talker, ReadOnlySpan<byte> frame, out string? refusal)
    {
        lock (_gate)
        {
            if (!_talkers.TryGetValue(talker, out var input))
            {
                if (_talkers.Count >= _options.MaxTalkers)
                {
                    refusal = $"{_options.MaxTalkers} people are already talking here (station:maxTalkers); try again when one stops.";
                    return false;
                }
                input = new TalkerInput(_format, _codec.CreateDecoder(_format, _frameSamplesPerChannel), _frameSamplesPerChannel, _options);
                _talkers.Add(talker, input);
                _mixer.AddMixerInput(input);
            }
            return input.TryAdd(frame, out refusal);
        }
    }

    /// <summary>The talker stopped (or its session closed): what it queued still plays out.</summary>
    public void End(string talker)
    {
        lock (_gate)
            if (_talkers.TryGetValue(talker, out var input)) input.End();
    }

    /// <summary>
    /// Mixes the talkers over <paramref name="program"/> (one frame of the director's output) in place.
    /// With nobody talking and the music at full level this leaves the frame as it is.
    /// </summary>
    public void MixInto(Span<float> program)
    {
        lock (_gate)
        {
            var anyone = false;
            foreach (var (name, input) in _talkers)
            {
                if (input.IsTalking) anyone = true;
                else if (input.Finished) _gone.Add(input);
            }
            foreach (var input in _gone)
            {
                _mixer.RemoveMixerInput(input);
                _talkers.Remove(_talkers.First(kv => ReferenceEquals(kv.Value, input)).Key);
                input.Dispose();
            }
            _gone.Clear();
            if (!anyone && _program.AtFullLevel) return;   // the common case: no copy, no mix
            _program.Next(program, ducked: anyone);
            _mixer.Read(program);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var input in _talkers.Values) input.Dispose();
            _talkers.Clear();
        }
    }

    /// <summary>The director's frame as a mixer input, its gain ramping to the duck level and back.</summary>
    private sealed class ProgramInput(WaveFormat format, float duckGain, int rampSamples) : ISampleProvider
    {
        private readonly float[] _frame = new float[format.SampleRate * format.Channels];   // a second: any frame fits
        private readonly float _step = 1f / Math.Max(1, rampSamples);
        private int _length;
        private float _gain = 1f;
        private float _target = 1f;

        public WaveFormat WaveFormat { get; } = format;

        public bool AtFullLevel => _gain >= 1f && _target >= 1f;

        public void Next(ReadOnlySpan<float> program, bool ducked)
        {
            program.CopyTo(_frame);
            _length = program.Length;
            _target = ducked ? duckGain : 1f;
        }

        public int Read(Span<float> buffer)
        {
            var n = Math.Min(buffer.Length, _length);
            for (var i = 0; i < n; i++)
            {
                if (_gain != _target)
                    _gain = _gain < _target ? Math.Min(_target, _gain + _step) : Math.Max(_target, _gain - _step);
                buffer[i] = _frame[i] * _gain;
            }
            buffer[n..].Clear();
            _length = 0;
            return buffer.Length;
        }
    }
}
