namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// Forward maximum matching over the lexicon's Chinese terms: at each position take the longest
/// entry that matches, else one character. No dictionary download, no network; good enough for mood
/// words, which are what the analyzer needs to find.
/// </summary>
internal sealed class ChineseSegmenter
{
    private readonly LexiconData _lexicon;

    public ChineseSegmenter(LexiconData lexicon) => _lexicon = lexicon;

    /// <summary>Segments a run of (already simplified) Chinese characters.</summary>
    public IEnumerable<(string Segment, TermInfo? Info)> Segment(string run)
    {
        var i = 0;
        while (i < run.Length)
        {
            var longest = Math.Min(_lexicon.MaxChineseLength, run.Length - i);
            var matched = false;
            for (var length = longest; length >= 1; length--)
            {
                var info = _lexicon.Find(run.AsSpan(i, length));
                if (info is null || info.IsEmpty)
                    continue;
                yield return (run.Substring(i, length), info);
                i += length;
                matched = true;
                break;
            }
            if (!matched)
            {
                yield return (run.Substring(i, 1), _lexicon.Character(run[i]));
                i++;
            }
        }
    }
}
