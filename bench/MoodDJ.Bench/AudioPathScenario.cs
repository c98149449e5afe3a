using System.Diagnostics;
using System.Runtime.CompilerServices;
using MoodDJ.Abstractions.Audio;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Abstractions.Music;
using MoodDJ.Music;

namespace MoodDJ.Bench;

/// <summary>
/// `audio-path [seconds=600] [runs=5]`: the CPU cost of a station's audio path without the network:
/// MusicDirector → PCM in 20 ms blocks, 48 kHz stereo, as fast as it goes, over an in-memory source
/// (so decoding costs nothing and what is left is the director: decks, mixing, crossfades). A new mood
/// every 5 s of audio forces a 2 s equal-power crossfade, so about 40 % of the audio is mixed from two
/// decks. Reports CPU milliseconds (process time, all threads) per second of audio, median of the runs.
/// </summary>
public sealed class AudioPathScenario : IBenchScenario
{
    public string Name => "audio-path";

    private static readonly AudioFormat Format = AudioFormat.OpusStereo;

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 600;
        var runs = args.Length > 1 && int.TryParse(args[1], out var r) ? r : 5;
        Console.WriteLine($"audio path: director → PCM, {Format}, {seconds} s of audio per run, crossfade every 5 s; {runs} runs; {Environment.ProcessorCount} cores; load {Load()}");
        var source = new MemorySource(Format);
        await MeasureAsync(source, 30); // JIT warm-up
        var cpu = new List<double>();
        var wall = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var (c, w) = await MeasureAsync(source, seconds);
            cpu.Add(c);
            wall.Add(w);
        }
        Console.WriteLine($"CPU per second of audio: median {SourceBenchSupport.Median(cpu):0.00} ms (min {cpu.Min():0.00}, max {cpu.Max():0.00}); wall {SourceBenchSupport.Median(wall):0.00} ms; load after {Load()}");
        return 0;
    }

    private static async Task<(double CpuMs, double WallMs)> MeasureAsync(MemorySource source, int seconds)
    {
        var options = new MusicOptions { MoodChange = MusicOptions.Crossfade, CrossfadeMs = 2000, MaxReadWaitMs = 5000, BufferMs = 2000 };
        await using var director = new MusicDirector([source], Format, options);
        var block = new float[Format.SamplesFor(TimeSpan.FromMilliseconds(20))];
        var blocksPerMood = 5000 / 20;
        var total = seconds * 50;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuStart = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            if (i % blocksPerMood == 0)
                await director.SetMoodAsync(new MoodReading(i / blocksPerMood % 2 == 0 ? MoodLabel.Happy : MoodLabel.Calm, 0.5, 0.5, 1));
            await director.ReadAsync(block);
        }
        var elapsed = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuStart;
        return (cpu.TotalMilliseconds / seconds, elapsed.TotalMilliseconds / seconds);
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]) : "?";

    /// <summary>Endless tracks of a precomputed tone: opening and reading cost a copy, nothing more.</summary>
    private sealed class MemorySource(AudioFormat format) : IMusicSource
    {
        private readonly float[] _tone = Tone(format);
        private int _next;

        private static float[] Tone(AudioFormat format)
        {
            var tone = new float[format.SampleRate * format.Channels]; // 1 s, loops seamlessly at 441 Hz multiples
            for (var i = 0; i < tone.Length; i++) tone[i] = 0.3f * MathF.Sin(2 * MathF.PI * 441 * (i / format.Channels) / format.SampleRate);
            return tone;
        }

        public async IAsyncEnumerable<TrackInfo> FindTracksAsync(MoodReading mood, int maxResults, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            for (var i = 0; i < maxResults; i++)
            {
                var id = Interlocked.Increment(ref _next);
                yield return new TrackInfo { Source = "memory", Id = $"t{id}", Title = $"Tone {id}", Duration = TimeSpan.FromMinutes(10) };
            }
        }

        public ValueTask<IPcmStream> OpenAsync(TrackInfo track, AudioFormat format, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IPcmStream>(new LoopStream(_tone, format));
    }

    private sealed class LoopStream(float[] tone, AudioFormat format) : IPcmStream
    {
        private long _position;

        public AudioFormat Format => format;
        public TimeSpan? Duration => TimeSpan.FromMinutes(10);
        public TimeSpan Position => format.DurationOf(_position);
        public bool CanSeek => false;

        public ValueTask<int> ReadAsync(Memory<float> buffer, CancellationToken cancellationToken = default)
        {
            var span = buffer.Span;
            for (var done = 0; done < span.Length;)
            {
                var at = (int)(_position % tone.Length);
                var n = Math.Min(span.Length - done, tone.Length - at);
                tone.AsSpan(at, n).CopyTo(span[done..]);
                done += n;
                _position += n;
            }
            return ValueTask.FromResult(span.Length);
        }

        public ValueTask SeekAsync(TimeSpan position, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
