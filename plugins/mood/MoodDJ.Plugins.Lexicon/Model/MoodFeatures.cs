using System.Text;

namespace MoodDJ.Plugins.Lexicon.Model;

/// <summary>
/// Turns a text into hashed sparse features for the mood model: lower-cased words, word pairs,
/// character 3- and 4-grams of each word (so "annoying"/"annoyed" share evidence and misspellings
/// still count), single symbols and emoji, and Han characters and their pairs. Features are hashed
/// with FNV-1a (stable across runs, unlike string.GetHashCode) into <see cref="Buckets"/> slots.
/// Training and analysis use this one class, so they always agree.
/// </summary>
internal static class MoodFeatures
{
    public const int Buckets = 1 << 18;
    /// <summary>Bumped whenever the features change: a model file trained on other features is refused.</summary>
    public const int Version = 1;

    private const uint Word = 0x9E3779B1, Pair = 0x85EBCA77, Gram = 0xC2B2AE3D, Symbol = 0x27D4EB2F, Han = 0x165667B1, HanPair = 0xD3A2646C;

    /// <summary>Appends the feature indices of <paramref name="text"/> (a feature may repeat: it then counts twice).</summary>
    public static void Extract(string text, List<int> into)
    {
        uint previous = 0x1234567; // start-of-text marker for the first pair
        var hasPrevious = true;
        char previousHan = '\0';
        var i = 0;
        Span<char> word = stackalloc char[34];
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c) && !TermKey.IsHan(c) || c is '\'' or '’')
            {
                var n = 0;
                word[n++] = '<';
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) && !TermKey.IsHan(text[i]) || text[i] is '\'' or '’'))
                {
                    var ch = text[i] == '’' ? '\'' : char.ToLowerInvariant(text[i]);
                    // Undo elongation beyond two ("soooo" → "soo") so stretched words meet their base.
                    if (n < word.Length - 1 && !(n >= 3 && word[n - 1] == ch && word[n - 2] == ch))
                        word[n++] = ch;
                    i++;
                }
                word[n++] = '>';
                var w = word[..n];
                var h = Hash(Word, w[1..^1]);
                into.Add(Index(h));
                if (hasPrevious) into.Add(Index(Mix(Pair, previous, h)));
                previous = h;
                hasPrevious = true;
                for (var g = 3; g <= 4; g++)
                    for (var k = 0; k + g <= n; k++)
                        into.Add(Index(Hash(Gram, w.Slice(k, g))));
                previousHan = '\0';
                continue;
            }
            if (TermKey.IsHan(c))
            {
                into.Add(Index(Hash(Han, [c])));
                if (previousHan != '\0') into.Add(Index(Hash(HanPair, [previousHan, c])));
                previousHan = c;
                hasPrevious = false;
                i++;
                continue;
            }
            previousHan = '\0';
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                i++;
                continue;
            }
            // A symbol: punctuation, an emoji (a surrogate pair counts as one), an emoticon character.
            var len = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (c is not '\uFE0F' and not '\u200D')
                into.Add(Index(Hash(Symbol, text.AsSpan(i, len))));
            hasPrevious = false;
            i += len;
        }
    }

    private static int Index(uint h) => (int)(h & (Buckets - 1));

    private static uint Hash(uint seed, ReadOnlySpan<char> chars)
    {
        var h = 2166136261u ^ seed;
        foreach (var c in chars)
        {
            h = (h ^ (c & 0xFFu)) * 16777619u;
            h = (h ^ (uint)(c >> 8)) * 16777619u;
        }
        return Final(h);
    }

    private static uint Mix(uint seed, uint a, uint b) => Final((a * 31 + b) ^ seed * 0x5BD1E995);

    /// <summary>Murmur3's finalizer: spreads FNV's weak low bits over the whole word.</summary>
    private static uint Final(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }
}
