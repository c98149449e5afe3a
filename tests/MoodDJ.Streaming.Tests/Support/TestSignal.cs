namespace MoodDJ.Streaming.Tests.Support;

/// <summary>Deterministic test audio: noise whose samples are exact 16-bit values, so L16 carries them unchanged.</summary>
internal static class TestSignal
{
    public static float[] Noise(int samples, int seed)
    {
        var random = new Random(seed);
        var pcm = new float[samples];
        for (var i = 0; i < pcm.Length; i++)
            pcm[i] = (short)random.Next(-20000, 20000) / 32768f;
        return pcm;
    }

    /// <summary>Reads the 16-bit PCM samples of a WAV file (walking its chunks, as ffmpeg adds a LIST chunk).</summary>
    public static float[] ReadWav16(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = BitConverter.ToInt32(bytes, offset + 4);
            if (id == "data")
            {
                size = Math.Min(size, bytes.Length - offset - 8);
                var pcm = new float[size / 2];
                for (var i = 0; i < pcm.Length; i++)
                    pcm[i] = BitConverter.ToInt16(bytes, offset + 8 + 2 * i) / 32768f;
                return pcm;
            }
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"{path} has no data chunk.");
    }

    /// <summary>Where <paramref name="needle"/>'s first samples occur in <paramref name="haystack"/>, or -1.</summary>
    public static int Find(float[] haystack, ReadOnlySpan<float> needle, int window = 64)
    {
        var probe = needle[..Math.Min(window, needle.Length)];
        for (var i = 0; i + probe.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, probe.Length).SequenceEqual(probe)) return i;
        return -1;
    }
}
