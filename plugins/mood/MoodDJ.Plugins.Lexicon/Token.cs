namespace MoodDJ.Plugins.Lexicon;

internal enum TokenKind
{
    /// <summary>A run of letters/digits (English and other alphabetic scripts).</summary>
    Word,
    /// <summary>A run of Chinese characters, segmented later against the lexicon.</summary>
    Han,
    /// <summary>An emoji or ASCII emoticon found in the lexicon.</summary>
    Symbol,
    /// <summary>Clause punctuation (. , ; ! ? 。 ， …): ends negation, modifier and desire scopes.</summary>
    Boundary,
}

/// <summary>One token of analysed text. <see cref="Key"/> is its <see cref="TermKey"/> form.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, string Key, bool AllCaps = false, bool Elongated = false);
