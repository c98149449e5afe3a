using System.Globalization;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>Whole-text signals the rules use besides the terms: exclamation marks, shouting, binary input.</summary>
internal static class TextSignals
{
    public static int CountExclamations(string text)
    {
        var n = 0;
        foreach (var c in text)
            if (c is '!' or '！') n++;
        return n;
    }

    /// <summary>
    /// Question marks in Chinese text: online, a Chinese complaint is very often a rhetorical
    /// question (凭什么…？ 你当我是什么？？), so they raise arousal like a weaker exclamation mark.
    /// English questions are mostly plain questions and are not counted.
    /// </summary>
    public static int CountChineseQuestions(string text)
    {
        int n = 0, han = 0;
        foreach (var c in text)
        {
            if (c is '?' or '？') n++;
            else if (TermKey.IsHan(c)) han++;
        }
        return han >= 4 ? n : 0;
    }

    /// <summary>Most letters upper-case over a real stretch of text: the whole message is shouted.</summary>
    public static bool IsShouting(string text)
    {
        int letters = 0, upper = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c) || TermKey.IsHan(c)) continue;
            letters++;
            if (char.IsUpper(c)) upper++;
        }
        return letters >= 8 && upper >= letters * 0.8;
    }

    /// <summary>Control characters or replacement characters in bulk mean this is not text a person typed.</summary>
    public static bool LooksBinary(string text)
    {
        var bad = 0;
        foreach (var c in text)
            if ((char.IsControl(c) && c is not '\n' and not '\r' and not '\t') || c == '\uFFFD' || char.GetUnicodeCategory(c) == UnicodeCategory.PrivateUse)
                bad++;
        return bad > Math.Max(2, text.Length / 10);
    }
}
