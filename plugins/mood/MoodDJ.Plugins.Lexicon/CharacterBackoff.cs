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

    public static Dictionary<char, TermInfo> Build(Dictionary<string, TermInfo> terms)
    {
        var seen = new Dictionary<char, List<Sentiment>>();
        foreach (var (key, info) in terms)
        {
            if (info.Sentiment is not { } s || key.Length < 2 || !key.All(TermKey.IsHan)) continue;
            foreach (var c in key.Distinct())
            {
                if (!seen.TryGetValue(c, out var list)) seen[c] = list = [];
                list.Add(s);
            }
        }
        var result = new Dictionary<char, TermInfo>();
        foreach (var (c, list) in seen)
        {
            if (list.Count < MinimumEntries) continue;
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
