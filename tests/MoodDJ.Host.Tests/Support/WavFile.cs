using System.Buffers.Binary;

namespace MoodDJ.Host.Tests.Support;

/// <summary>A parsed 16-bit PCM WAV file, checked field by field (so a malformed header fails the test).</summary>
public sealed class WavFile
{
    public required int SampleRate { get; init; }
    public required int Channels { get; init; }
    public required float[] Samples { get; init; }

    public double Seconds => (double)Samples.Length / Channels / SampleRate;

    public static WavFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 44, $"{path} is only {bytes.Length} bytes");
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(bytes.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal("WAVE", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));

        int pos = 12, sampleRate = 0, channels = 0;
        while (pos + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, pos, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos + 4));
            var body = bytes.AsSpan(pos + 8);
            if (id == "fmt ")
            {
                Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(body)); // PCM
                channels = BinaryPrimitives.ReadInt16LittleEndian(body[2..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
                Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(body[14..]));
            }
            else if (id == "data")
            {
                Assert.True(sampleRate > 0, "data chunk before fmt chunk");
                Assert.True(pos + 8 + size <= bytes.Length, "data chunk runs past the end of the file");
                var samples = new float[size / 2];
                for (var i = 0; i < samples.Length; i++)
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(body[(i * 2)..]) / 32768f;
                return new WavFile { SampleRate = sampleRate, Channels = channels, Samples = samples };
            }
            pos += 8 + size + (size & 1);
        }
        throw new Xunit.Sdk.XunitException($"{path} has no data chunk");
    }
}
