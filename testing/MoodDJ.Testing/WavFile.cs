using System.Buffers.Binary;
using MoodDJ.Abstractions.Audio;

namespace MoodDJ.Testing;

/// <summary>A WAV file read into memory: its format and its samples as float (−1..1), interleaved.</summary>
public sealed record WavFile(AudioFormat Format, int BitsPerSample, float[] Samples)
{
    public TimeSpan Duration => Format.DurationOf(Samples.Length);

    /// <summary>Reads a RIFF/WAVE file of 16-bit PCM or 32-bit float. Throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static WavFile Read(string path) => Parse(File.ReadAllBytes(path), path);

    public static WavFile Parse(ReadOnlySpan<byte> bytes, string name = "WAV data")
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
            throw new InvalidDataException($"{name} is not a RIFF/WAVE file.");
        var riffSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (riffSize + 8L != bytes.Length)
            throw new InvalidDataException($"{name}: the RIFF size says {riffSize + 8L} bytes but the file has {bytes.Length}.");

        AudioFormat? format = null;
        int bits = 0, encoding = 0;
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = bytes.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(offset + 4)..]);
            var body = offset + 8;
            if (body + size > bytes.Length)
                throw new InvalidDataException($"{name}: chunk '{System.Text.Encoding.ASCII.GetString(id)}' runs past the end of the file.");
            var chunk = bytes.Slice(body, (int)size);
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16) throw new InvalidDataException($"{name}: the fmt chunk is too short.");
                encoding = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
                var channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
                var rate = (int)BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]);
                format = new AudioFormat(rate, channels);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null) throw new InvalidDataException($"{name}: the data chunk comes before the fmt chunk.");
                return new WavFile(format.Value, bits, Decode(chunk, encoding, bits, name));
            }
            offset = body + (int)size + (int)(size & 1);
        }
        throw new InvalidDataException($"{name} has no data chunk.");
    }

    private static float[] Decode(ReadOnlySpan<byte> data, int encoding, int bits, string name)
    {
        switch (encoding, bits)
        {
            case (1, 16):
            {
                var samples = new float[data.Length / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]) / 32768f;
                return samples;
            }
            case (3, 32):
            {
                var samples = new float[data.Length / 4];
                for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                return samples;
            }
            default:
                throw new InvalidDataException($"{name}: only 16-bit PCM and 32-bit float are read, not format {encoding} with {bits} bits.");
        }
    }
}
