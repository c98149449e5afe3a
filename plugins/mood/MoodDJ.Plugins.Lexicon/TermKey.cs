using System.Globalization;
using System.Text;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// The one normalisation applied both to lexicon entries and to the words of analysed text, so a
/// user can write an entry the way people type it: case, curly apostrophes, emoji presentation
/// selectors and traditional/simplified Chinese forms all compare equal.
/// </summary>
internal static class TermKey
{
    public static bool IsHan(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) && !IsHan(c);

    /// <summary>Apostrophe-like characters people type inside words ("don’t").</summary>
    public static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '`';

    /// <summary>Zero-width and presentation characters that never change what an emoji means.</summary>
    public static bool IsEmojiNoise(int codePoint) =>
        codePoint is 0xFE0F or 0xFE0E or 0x200D or (>= 0x1F3FB and <= 0x1F3FF);

    public static string Normalize(string text, ChineseVariants variants)
    {
        var sb = new StringBuilder(text.Length);
        var lastSpace = true;
        foreach (var rune in text.Trim().EnumerateRunes())
        {
            if (IsEmojiNoise(rune.Value))
                continue;
            if (Rune.IsWhiteSpace(rune))
            {
                if (!lastSpace) sb.Append(' ');
                lastSpace = true;
                continue;
            }
            lastSpace = false;
            if (rune.IsBmp && IsApostrophe((char)rune.Value))
            {
                sb.Append('\'');
                continue;
            }
            if (rune.IsBmp && IsHan((char)rune.Value))
            {
                sb.Append(variants.ToSimplified((char)rune.Value));
                continue;
            }
            sb.Append(Rune.ToLowerInvariant(rune).ToString());
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>Words of an English phrase key ("can't wait" → 2).</summary>
    public static int WordCount(string key) => key.Count(c => c == ' ') + 1;

    public static bool ContainsHan(string key) => key.Any(IsHan);

    /// <summary>True for keys made of letters, digits, apostrophes, hyphens and spaces (words and phrases).</summary>
    public static bool IsWordKey(string key) =>
        key.Length > 0 && key.All(c => IsWordChar(c) || c is '\'' or '-' or ' ') && key.Any(IsWordChar);

    public static bool IsAscii(string key) => key.All(c => c < 128);

    /// <summary>
    /// A Chinese/Japanese-style face built from brackets and symbols ("o(∩_∩)o", "(╯‵□′)╯︵┻━┻"):
    /// matched like an ASCII emoticon. Emoji (surrogate pairs) are not kaomoji.
    /// </summary>
    public static bool IsKaomoji(string key) =>
        key.Length >= 3 && !key.Any(char.IsSurrogate) && !key.Any(char.IsWhiteSpace) && !ContainsHan(key) &&
        key.Count(c => c is '(' or ')' or '_' or '^') >= 2;

    public static string Describe(string key) => key.Length <= 40 ? key : key[..40] + "…";

    public static int TextElementCount(string s) => new StringInfo(s).LengthInTextElements;
}
