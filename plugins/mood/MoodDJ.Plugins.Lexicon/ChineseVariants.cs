namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// Maps traditional Chinese characters to simplified ones (rules/zh-variants.tsv), so one lexicon
/// entry matches both "煩死了" and "烦死了". Only characters the lexicon needs are listed; any other
/// character passes through unchanged.
/// </summary>
internal sealed class ChineseVariants
{
    private readonly Dictionary<char, char> _toSimplified;

    public ChineseVariants(Dictionary<char, char> toSimplified) => _toSimplified = toSimplified;

    public static ChineseVariants None { get; } = new([]);

    public int Count => _toSimplified.Count;

    public char ToSimplified(char c) => _toSimplified.TryGetValue(c, out var s) ? s : c;
}
