using System.Buffers.Binary;
using MoodDJ.Abstractions.Audio;
using NAudio.Wave;

namespace MoodDJ.Testing;

/// <summary>A WAV file read into memory (by NAudio's WaveFileReader): its format and its samples as float (−1..1), interleaved.</summary>
public sealed record WavFile(AudioFormat Format, int BitsPerSample, float[] Samples)
{
    public TimeSpan Duration => Format.DurationOf(Samples.Length);

    /// <summary>Reads a RIFF/WAVE file (PCM or IEEE float). Throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static WavFile Read(string path) => Parse(File.ReadAllBytes(path), path);

    public static WavFile Parse(ReadOnlySpan<byte> bytes, string name = "WAV data")
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
            throw new InvalidDataException($"{name} is not a RIFF/WAVE file.");
        // Stricter than the reader: a writer that forgot to patch its header must fail the test.
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (riffSize + 8L != bytes.Length)
            throw new InvalidDataException($"{name}: the RIFF size says {riffSize + 8L} bytes but the file has {bytes.Length}.");
        try
        {
            using var reader = new WaveFileReader(new MemoryStream(bytes.ToArray(), writable: false));
            var format = reader.WaveFormat;
            var samples = new float[reader.SampleCount * format.Channels];
            var provider = reader.ToSampleProvider();
            var read = 0;
            for (int n; read < samples.Length && (n = provider.Read(samples.AsSpan(read))) > 0;) read += n;
            if (read != samples.Length) throw new InvalidDataException($"{name}: the data chunk ends after {read} of {samples.Length} samples.");
            return new WavFile(new AudioFormat(format.SampleRate, format.Channels), format.BitsPerSample, samples);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or EndOfStreamException)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
    }
}
