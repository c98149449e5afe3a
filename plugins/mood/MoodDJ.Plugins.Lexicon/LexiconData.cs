namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// The loaded lexicon: every term keyed by its <see cref="TermKey"/> form, plus the lengths the
/// tokenizer and the Chinese segmenter need to look up multi-word phrases and multi-character words.
/// Immutable once built; shared by every analysis.
/// </summary>
internal sealed class LexiconData
{
    private readonly Dictionary<string, TermInfo> _terms;

    public LexiconData(Dictionary<string, TermInfo> terms, ChineseVariants variants)
    {
        _terms = terms;
        Variants = variants;
        foreach (var key in terms.Keys)
        {
            if (TermKey.ContainsHan(key))
                MaxChineseLength = Math.Max(MaxChineseLength, key.Length);
            else if (TermKey.IsWordKey(key))
                MaxPhraseWords = Math.Max(MaxPhraseWords, TermKey.WordCount(key));
            else if (TermKey.IsAscii(key) || TermKey.IsKaomoji(key))
                _emoticons.Add(key);
        }
        _emoticons.Sort((a, b) => b.Length.CompareTo(a.Length));
        _characters = CharacterBackoff.Build(terms);
        SentimentCount = terms.Values.Count(t => t.Sentiment is not null);
    }

    private readonly List<string> _emoticons = [];
    private readonly Dictionary<char, TermInfo> _characters;

    /// <summary>
    /// What a lone Chinese character that no entry covers suggests, learned from the entries that
    /// contain it (<see cref="CharacterBackoff"/>); null when the entries disagree or are too few.
    /// </summary>
    public TermInfo? Character(char c) => _characters.GetValueOrDefault(c);

    public ChineseVariants Variants { get; }

    public SarcasmFrames Sarcasm { get; init; } = SarcasmFrames.None;

    public int MaxPhraseWords { get; } = 1;

    public int MaxChineseLength { get; } = 1;

    public int Count => _terms.Count;

    public int SentimentCount { get; }

    /// <summary>ASCII emoticons (":)", "&lt;3", "T_T"), longest first so ":-))" wins over ":-)".</summary>
    public IReadOnlyList<string> Emoticons => _emoticons;

    public bool TryGet(string key, out TermInfo info) => _terms.TryGetValue(key, out info!);

    public bool Contains(string key) => _terms.ContainsKey(key);

    public TermInfo? Find(ReadOnlySpan<char> key) =>
        _terms.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var info) ? info : null;
}
