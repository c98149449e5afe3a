using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// A back-off for Chinese characters that no lexicon entry covers where they stand: a character
/// that occurs in several multi-character entries which agree (哭 in 想哭, 大哭, 哭泣…; 怒 in 愤怒,
/// 怒火, 暴怒…) carries, alone, a weaker copy of what those entries say. Learned from the lexicon
/// itself when it loads, so a user's extra entries teach it too. Characters whose entries disagree
/// (心 in 开心 and 伤心) or that are too rare say nothing.
/// </summary>
internal static class CharacterBackoff
{
    private const int MinimumEntries = 5;
    private const double Agreement = 0.9, MinimumValence = 0.45, Strength = 0.35;

    /// <summary>
    /// Grammatical characters (pronouns, particles, negators, question words, passive and
    /// auxiliary markers, common verbs of motion/being) and a few everyday content characters that
    /// occur in most sentences. They sit inside many negative entries (是 in 真是的, 被 in 被骗, 么 in
    /// 怎么回事, 他 in 他妈的), so the back-off learned a "sad" lean for them and then pulled ordinary
    /// sentences, whatever their mood, towards sad. Alone they say nothing.
    /// </summary>
    private const string Grammatical =
        "的了着过是不没无别非未莫么什怎吗呢吧啊呀哦嘛他她它我你您们这那哪谁个被把让给对为在从向跟和与" +
        "去来要会能可想上下里又还都也就才很太好真得地之所以其有理眼放动透运落离失要看说做" +
        // Everyday content characters that complaint and loss phrases share (不好用, 退款, 服务态度,
        // 去世, 快乐, 分手, 不知道该怎么办 …) but that alone mean nothing: 用, 钱, 宿舍, 中, 快递, 分钟,
        // 知道, 当然; 火 and 暴 are also "popular" (很火) and "sudden" (暴雨, 暴富); 狗 is a pet (累成狗 is not).
        "用钱款退态费负责世快中妈丢舍脑脸话打蛋空分当掉再道火暴狗走";

    public static Dictionary<char, TermInfo> Build(Dictionary<string, TermInfo> terms)
    {
        var seen = new Dictionary<char, List<Sentiment>>();
        foreach (var (key, info) in terms)
        {
            // Derived entries (thousands, from dictionary glosses) would give common characters a lean
            // (后 from 后悔): only hand-written entries teach the back-off.
            if (info.Sentiment is not { } s || info.IsDerived || key.Length < 2 || !key.All(TermKey.IsHan)) continue;
            foreach (var c in key.Distinct())
            {
                if (!seen.TryGetValue(c, out var list)) seen[c] = list = [];
                list.Add(s);
            }
        }
        var result = new Dictionary<char, TermInfo>();
        foreach (var (c, list) in seen)
        {
            if (list.Count < MinimumEntries || Grammatical.Contains(c)) continue;
            var positive = list.Count(s => s.Valence > 0);
            var share = Math.Max(positive, list.Count - positive) / (double)list.Count;
            var valence = list.Average(s => s.Valence);
            if (share < Agreement || Math.Abs(valence) < MinimumValence) continue;
            var mood = list.Where(s => s.Mood is not null).GroupBy(s => s.Mood!.Value)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).FirstOrDefault();
            MoodLabel? cue = mood is not null && mood.Count() >= Agreement * list.Count ? mood.Key : null;
            result[c] = new TermInfo { Sentiment = new Sentiment(Strength * valence, Strength * list.Average(s => s.Arousal), cue), IsBackoff = true };
        }
        return result;
    }
}
