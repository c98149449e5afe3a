namespace MoodDJ.Plugins.Generator;

/// <summary>
/// One sounding note. Its state starts from zero at its onset and advances one sample at a time, the
/// same way whatever the block sizes, so rendering is bit-identical however the stream is read or sought.
/// The render loops copy the state into locals (the JIT keeps them in registers) and store it back after.
/// </summary>
internal struct Voice
{
    private const int FilterUpdateInterval = 16;
    private const float FadeSeconds = 0.004f;

    public PreparedPatch Patch;
    public long Onset;
    public int Gate;
    /// <summary>Frames from onset until the voice is silent.</summary>
    public int Length;
    public int Age;
    private float _gain, _panL, _panR, _fadeInv;
    private double _phase1, _phase2, _inc1, _inc2;
    private float _env, _releaseLevel, _decay, _filterEnv, _modEnv, _tone, _pitch;
    private float _ic1, _ic2, _a1, _a2, _a3;
    private uint _noise;

    public static Voice Start(PreparedPatch patch, long onset, int gate, double frequency, float velocity, float pan, uint noiseSeed)
    {
        var v = new Voice
        {
            Patch = patch,
            Onset = onset,
            Gate = Math.Max(1, gate),
            _gain = (float)(velocity * patch.Patch.Gain),
            _inc1 = frequency * patch.InvRate,
            _inc2 = frequency * patch.DetuneRatio * patch.InvRate,
            _phase2 = 0.37, // the detuned partner starts off-phase so the pair does not spike together
            _decay = 1,
            _filterEnv = 1,
            _modEnv = 1,
            _tone = 1,
            _pitch = 1,
            _noise = noiseSeed | 1,
            _fadeInv = 1f / (FadeSeconds * patch.SampleRate),
        };
        v.Length = patch.Patch.IsDrum ? patch.TailFrames : v.Gate + patch.ReleaseFrames;
        // Constant-power pan.
        var angle = (Math.Clamp(pan, -1, 1) + 1) * Math.PI / 4;
        v._panL = (float)Math.Cos(angle);
        v._panR = (float)Math.Sin(angle);
        if (patch.Patch.IsDrum)
        {
            var g = (float)Math.Tan(Math.PI * Math.Min(patch.Patch.Wave == Waveform.Snare ? 1900.0 : 7500.0, patch.MaxCutoff) * patch.InvRate);
            (v._a1, v._a2, v._a3) = SvfCoefficients(g, patch.K);
        }
        return v;
    }

    public readonly bool Finished => Age >= Length;

    /// <summary>Renders the next <c>left.Length</c> samples (≤ Length − Age), adding them into both channels.</summary>
    public void Render(Span<float> left, Span<float> right)
    {
        switch (Patch.Patch.Wave)
        {
            case Waveform.Kick: RenderKick(left, right); break;
            case Waveform.Snare: RenderSnare(left, right); break;
            case Waveform.ClosedHat or Waveform.OpenHat: RenderHat(left, right); break;
            default: RenderTonal(left, right); break;
        }
    }

    private void RenderTonal(Span<float> left, Span<float> right)
    {
        var patch = Patch;
        var p = patch.Patch;
        var wave = p.Wave;
        var detuned = p.DetuneCents != 0;
        var filtered = patch.Cutoff > 0;
        var drive = (float)p.Drive;
        var vibrato = 0.0578 * p.Vibrato; // semitones → frequency ratio − 1 (2^(x/12) − 1 ≈ 0.0578·x)
        var vibratoStart = patch.SampleRate / 4;
        var vibratoRate = 5.5 * patch.InvRate;
        var sustain = (float)p.Sustain;
        var attackFrames = patch.AttackFrames;
        var invAttack = 1f / attackFrames;
        var invRelease = 1f / patch.ReleaseFrames;
        var k = patch.K;

        double phase1 = _phase1, phase2 = _phase2;
        float env = _env, releaseLevel = _releaseLevel, decay = _decay, filterEnv = _filterEnv, modEnv = _modEnv;
        float ic1 = _ic1, ic2 = _ic2, a1 = _a1, a2 = _a2, a3 = _a3;
        var age = Age;
        for (var i = 0; i < left.Length; i++, age++)
        {
            double inc1 = _inc1, inc2 = _inc2;
            if (vibrato > 0 && age > vibratoStart)
            {
                var wobble = 1 + vibrato * Oscillators.Sin(age * vibratoRate);
                inc1 *= wobble;
                inc2 *= wobble;
            }

            float osc;
            switch (wave)
            {
                case Waveform.Sine: osc = Oscillators.Sin(phase1); break;
                case Waveform.Triangle: osc = Oscillators.Triangle(phase1); break;
                case Waveform.Saw: osc = Oscillators.Saw(phase1, inc1); break;
                case Waveform.Square: osc = Oscillators.Square(phase1, inc1); break;
                default:
                    // Two-operator FM: a bright attack that mellows, like an electric piano.
                    modEnv *= patch.ModCoef;
                    osc = Oscillators.Sin(phase1 + (0.15 + 1.3 * modEnv) / (2 * Math.PI) * Oscillators.Sin(phase1));
                    break;
            }
            if (detuned)
            {
                var osc2 = wave switch
                {
                    Waveform.Sine or Waveform.FmPiano => Oscillators.Sin(phase2),
                    Waveform.Triangle => Oscillators.Triangle(phase2),
                    Waveform.Saw => Oscillators.Saw(phase2, inc2),
                    _ => Oscillators.Square(phase2, inc2),
                };
                osc = 0.5f * (osc + osc2);
                phase2 += inc2;
                if (phase2 >= 1) phase2 -= 1;
            }
            phase1 += inc1;
            if (phase1 >= 1) phase1 -= 1;

            if (filtered)
            {
                if (age % FilterUpdateInterval == 0)
                {
                    var fc = Math.Min(patch.Cutoff + patch.FilterEnvelope * filterEnv, patch.MaxCutoff);
                    (a1, a2, a3) = SvfCoefficients((float)Math.Tan(Math.PI * fc * patch.InvRate), k);
                    filterEnv *= patch.FilterDecay16;
                }
                // Zero-delay-feedback state-variable filter (Simper), low-pass output.
                var v3 = osc - ic2;
                var v1 = a1 * ic1 + a2 * v3;
                var v2 = ic2 + a2 * ic1 + a3 * v3;
                ic1 = 2 * v1 - ic1;
                ic2 = 2 * v2 - ic2;
                osc = v2;
            }
            if (drive > 0)
            {
                var x = osc * drive;
                osc = x / (1 + Math.Abs(x)) * patch.DriveNorm;
            }

            if (age < Gate)
            {
                if (age < attackFrames) env = (age + 1) * invAttack;
                else
                {
                    decay *= patch.DecayCoef;
                    env = sustain + (1 - sustain) * decay;
                }
                releaseLevel = env;
            }
            else
            {
                env = releaseLevel * (1 - (age - Gate + 1) * invRelease);
            }
            Emit(left, right, i, osc * env * _gain, age);
        }
        Age = age;
        _phase1 = phase1;
        _phase2 = phase2;
        _env = env;
        _releaseLevel = releaseLevel;
        _decay = decay;
        _filterEnv = filterEnv;
        _modEnv = modEnv;
        (_ic1, _ic2, _a1, _a2, _a3) = (ic1, ic2, a1, a2, a3);
    }

    private void RenderKick(Span<float> left, Span<float> right)
    {
        var patch = Patch;
        var attack = patch.SampleRate / 600;
        double phase = _phase1;
        float env = _env, pitch = _pitch;
        var age = Age;
        for (var i = 0; i < left.Length; i++, age++)
        {
            pitch *= patch.PitchCoef;
            var s = Oscillators.Sin(phase);
            phase += (46 + 120 * pitch) * patch.InvRate;
            if (phase >= 1) phase -= 1;
            env = age < attack ? (age + 1) / (float)attack : env * patch.DecayCoef;
            Emit(left, right, i, s * env * _gain, age);
        }
        Age = age;
        _phase1 = phase;
        _env = env;
        _pitch = pitch;
    }

    private void RenderSnare(Span<float> left, Span<float> right)
    {
        var patch = Patch;
        var attack = patch.SampleRate / 1000;
        double phase = _phase1;
        float env = _env, tone = _tone, ic1 = _ic1, ic2 = _ic2;
        var noise = _noise;
        var age = Age;
        for (var i = 0; i < left.Length; i++, age++)
        {
            var n = Noise(ref noise);
            var v3 = n - ic2;
            var band = _a1 * ic1 + _a2 * v3;
            var low = ic2 + _a2 * ic1 + _a3 * v3;
            ic1 = 2 * band - ic1;
            ic2 = 2 * low - ic2;
            env = age < attack ? (age + 1) / (float)attack : env * patch.DecayCoef;
            tone *= patch.ToneCoef;
            var body = Oscillators.Sin(phase);
            phase += 190 * patch.InvRate;
            if (phase >= 1) phase -= 1;
            var toneEnv = age < attack ? env : tone;
            Emit(left, right, i, (1.8f * band * env + 0.5f * body * toneEnv) * _gain, age);
        }
        Age = age;
        _phase1 = phase;
        (_env, _tone, _ic1, _ic2, _noise) = (env, tone, ic1, ic2, noise);
    }

    private void RenderHat(Span<float> left, Span<float> right)
    {
        var patch = Patch;
        var attack = patch.SampleRate / 1000;
        var k = patch.K;
        float env = _env, ic1 = _ic1, ic2 = _ic2;
        var noise = _noise;
        var age = Age;
        for (var i = 0; i < left.Length; i++, age++)
        {
            var n = Noise(ref noise);
            var v3 = n - ic2;
            var band = _a1 * ic1 + _a2 * v3;
            var low = ic2 + _a2 * ic1 + _a3 * v3;
            ic1 = 2 * band - ic1;
            ic2 = 2 * low - ic2;
            var high = n - k * band - low;
            env = age < attack ? (age + 1) / (float)attack : env * patch.DecayCoef;
            Emit(left, right, i, high * env * _gain, age);
        }
        Age = age;
        (_env, _ic1, _ic2, _noise) = (env, ic1, ic2, noise);
    }

    /// <summary>Adds one sample, faded over the last few milliseconds so no note ever ends in a step.</summary>
    private readonly void Emit(Span<float> left, Span<float> right, int i, float s, int age)
    {
        var fade = (Length - age) * _fadeInv;
        if (fade < 1) s *= fade;
        left[i] += s * _panL;
        right[i] += s * _panR;
    }

    private static (float A1, float A2, float A3) SvfCoefficients(float g, float k)
    {
        var a1 = 1 / (1 + g * (g + k));
        var a2 = g * a1;
        return (a1, a2, g * a2);
    }

    private static float Noise(ref uint x)
    {
        // xorshift32: cheap white noise, seeded per note.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return (int)x * (1f / int.MaxValue);
    }
}
