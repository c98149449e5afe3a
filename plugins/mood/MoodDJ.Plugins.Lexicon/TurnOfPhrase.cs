using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// Phrases whose usual reading turns around: laughter beside anger is scorn, praise followed by
/// 又 and something unwelcome is sarcasm, and 没…这么…过 is "never this much" rather than a negation.
/// Kept apart from <see cref="LexiconAnalyzer"/>, which applies the per-term rules.
/// </summary>
internal static class TurnOfPhrase
{
    /// <summary>
    /// The sarcasm score (clear frame 2, hint 1) and the frames found: the listed frames, praise then
    /// 又 + something unwelcome (a clear frame), and thanks or praise (谢谢, 真厉害: <c>turn</c>) beside a
    /// grievance, an angry cue ("谢谢你让我白跑一趟"), as a hint. Beside hardship thanks stay thanks:
    /// "感谢大家，虽然很累" is grateful.
    /// </summary>
    public static (int Score, List<string> Frames) Sarcasm(SarcasmFrames frames, List<Token> tokens, List<ScoredTerm> terms, List<int> againClauses)
    {
        var (score, found) = frames.Find(tokens);
        if (PraiseThenAgain(terms, againClauses) is { } again)
        {
            score += 2;
            found.Add(again);
        }
        if (terms.Any(t => t.Mood == MoodLabel.Angry && t.Valence < -0.2 && !t.Negated && !t.Desired) &&
            frames.FindTurns(tokens) is { Count: > 0 } turns)
        {
            score += 1;
            found.AddRange(turns);
        }
        return (score, found);
    }

    /// <summary>
    /// Chinese "great, another …": praise, then a clause with 又 ("again") that holds something
    /// unwelcome ("太好了，又下雨了", "真棒，又加班", "真是好极了，电脑又死机了"). "好开心，又可以去旅游了" holds nothing
    /// unwelcome and stays happy. Returns the frame's description, or null.
    /// </summary>
    public static string? PraiseThenAgain(List<ScoredTerm> terms, List<int> againClauses)
    {
        foreach (var c in againClauses)
        {
            var praise = terms.FirstOrDefault(t => t.Clause < c && t.Valence > 0.4 && !t.Negated && !t.Desired);
            if (praise is null) continue;
            var unwelcome = terms.Any(t => t.Clause == c && t.Valence < 0 && !t.Desired);
            var welcome = terms.Any(t => t.Clause == c && t.Valence > 0.1);
            if (unwelcome && !welcome)
                return $"{praise.Text}…又…";
        }
        return null;
    }

    /// <summary>
    /// Laughter beside anger is scorn ("笑死，什么垃圾东西", "哈哈哈你有病吧"): it loses its happy cue and
    /// turns mildly unpleasant, so the anger decides. Beside sadness it is left alone: laughing at
    /// one's own bad luck ("哈哈哈我又挂科了") is still a laugh.
    /// </summary>
    public static void Mockery(List<ScoredTerm> terms)
    {
        var angry = false;
        foreach (var t in terms)
            angry |= t.Mood == MoodLabel.Angry && t.Valence <= -0.35 && !t.Negated && !t.Desired;
        if (!angry) return;
        foreach (var t in terms)
        {
            if (!t.Laughter || t.Negated || t.Desired || t.Valence <= 0) continue;
            t.Valence *= -0.5;
            t.Mood = null;
            t.Notes.Add("laughter beside anger: mockery");
        }
    }

    /// <summary>
    /// "从来没有这么开心过", "好久没这样笑过了": 没 with 这么/这样/如此 and 过 after the mood word is
    /// "never this much", a superlative, not a negation ("没那么开心" stays "not that happy").
    /// </summary>
    public static bool NeverThisMuch(string? negator, string? modifierText, List<Unit> units, int u)
    {
        if (negator is null || modifierText is null || !negator.Contains('没') && !negator.Contains('沒')) return false;
        if (!modifierText.Contains("这么") && !modifierText.Contains("這麼") && !modifierText.Contains("这样") &&
            !modifierText.Contains("這樣") && !modifierText.Contains("如此")) return false;
        return u + 1 < units.Count && !units[u + 1].Boundary && (units[u + 1].Text.StartsWith('过') || units[u + 1].Text.StartsWith('過'));
    }
}
