using System.Numerics;

namespace MoodDJ.Plugins.Shared.Audio;

/// <summary>
/// In-place radix-2 complex FFT (length a power of two), for float or double samples. The twiddle
/// factors and butterflies are computed in double either way. Linked into the engine (spectral
/// analysis) and the local plugin (track features): one source, two assemblies.
/// </summary>
public static class Fft
{
    public static void Forward<T>(Span<T> re, Span<T> im) where T : IFloatingPointIeee754<T>
    {
        var n = re.Length;
        if (n != im.Length || n == 0 || (n & (n - 1)) != 0)
            throw new ArgumentException("FFT length must be a power of two, equal for both parts.");
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        for (var len = 2; len <= n; len <<= 1)
        {
            var angle = -2 * Math.PI / len;
            var wRe = Math.Cos(angle);
            var wIm = Math.Sin(angle);
            for (var start = 0; start < n; start += len)
            {
                double cRe = 1, cIm = 0;
                for (var k = 0; k < len / 2; k++)
                {
                    int a = start + k, b = a + len / 2;
                    double bRe = double.CreateTruncating(re[b]), bIm = double.CreateTruncating(im[b]);
                    var tRe = T.CreateTruncating(bRe * cRe - bIm * cIm);
                    var tIm = T.CreateTruncating(bRe * cIm + bIm * cRe);
                    re[b] = re[a] - tRe;
                    im[b] = im[a] - tIm;
                    re[a] += tRe;
                    im[a] += tIm;
                    (cRe, cIm) = (cRe * wRe - cIm * wIm, cRe * wIm + cIm * wRe);
                }
            }
        }
    }
}
