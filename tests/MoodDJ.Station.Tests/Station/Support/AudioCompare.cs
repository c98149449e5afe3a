namespace MoodDJ.Station.Tests.Station.Support;

internal static class AudioCompare
{
    /// <summary>16-bit little-endian PCM (what ffmpeg writes with -f s16le) as floats.</summary>
    public static float[] FromS16le(byte[] s16le)
    {
        var result = new float[s16le.Length / 2];
        for (var i = 0; i < result.Length; i++)
            result[i] = (short)(s16le[2 * i] | s16le[2 * i + 1] << 8) / 32768f;
        return result;
    }

    /// <summary>Two L16 round trips may differ by one quantization step.</summary>
    private const float Tolerance = 2.5f / 32768;

    /// <summary>How far later a block may appear than the previous one predicted (underrun gaps).</summary>
    private const int MaxShiftSamples = 44100 / 2;

    /// <summary>
    /// Finds where <paramref name="reference"/> starts inside <paramref name="played"/> (by the first
    /// loud block of the reference), then returns the fraction of its blocks that came out exactly.
    /// </summary>
    public static double MatchingBlocks(float[] reference, float[] played, int blockSamples, out int offset)
    {
        offset = -1;
        // Any block may have been lost on the way: try loud blocks one after another as the anchor.
        var anchor = -blockSamples;
        for (var attempt = 0; attempt < 50 && offset < 0; attempt++)
        {
            anchor = NextLoudBlock(reference, anchor + blockSamples, blockSamples);
            if (anchor < 0) return 0;
            for (var p = 0; p + blockSamples <= played.Length; p++)
            {
                if (Matches(reference.AsSpan(anchor, blockSamples), played.AsSpan(p, blockSamples)))
                {
                    offset = p - anchor;
                    break;
                }
            }
        }
        if (offset < 0) return 0;
        // An underrun inserts silence and shifts the rest later: follow the shift, within a window.
        int matched = 0, total = 0, shift = offset;
        for (var r = 0; r + blockSamples <= reference.Length; r += blockSamples)
        {
            total++;
            var block = reference.AsSpan(r, blockSamples);
            for (var s = shift; s <= shift + MaxShiftSamples; s++)
            {
                var p = r + s;
                if (p < 0) continue;
                if (p + blockSamples > played.Length) break;
                if (Matches(block, played.AsSpan(p, blockSamples)))
                {
                    matched++;
                    shift = s;
                    break;
                }
            }
        }
        return (double)matched / total;
    }

    private static int NextLoudBlock(float[] samples, int from, int block)
    {
        for (var i = from; i + block <= samples.Length; i += block)
        {
            var loud = 0;
            foreach (var s in samples.AsSpan(i, block))
                if (Math.Abs(s) > 0.02f) loud++;
            if (loud > block / 4) return i;
        }
        return -1;
    }

    private static bool Matches(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (var i = 0; i < a.Length; i++)
            if (Math.Abs(a[i] - b[i]) > Tolerance) return false;
        return true;
    }
}
