using System.Globalization;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// The rule-based mood analyzer: finds lexicon terms (English words and phrases, Chinese words by
/// forward maximum matching, emoji, emoticons, slang), applies negation, intensifiers/diminishers,
/// contrast, desire, ALL CAPS, elongation and exclamation marks, then places the text on the
/// valence/arousal plane and picks a label (<see cref="MoodDecider"/>). Never throws on odd input.
/// </summary>
public sealed class LexiconAnalyzer : IMoodAnalyzer
{
    private readonly LexiconData _lexicon;
    private readonly LexiconAnalyzerOptions _options;
    private readonly Tokenizer _tokenizer;
    private readonly ChineseSegmenter _segmenter;

    internal LexiconAnalyzer(LexiconData lexicon, LexiconAnalyzerOptions options)
    {
        if (options.MaxChars < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxChars, "maxChars must be at least 1.");
        _lexicon = lexicon;
        _options = options;
        _tokenizer = new Tokenizer(lexicon);
        _segmenter = new ChineseSegmenter(lexicon);
    }

    /// <summary>Loads the lexicon from <paramref name="dataFolder"/> (terms/ and rules/) plus any extra term files.</summary>
    public static LexiconAnalyzer Load(string dataFolder, IEnumerable<string>? extraLexicons = null, LexiconAnalyzerOptions? options = null) =>
        new(LexiconLoader.Load(dataFolder, extraLexicons), options ?? new LexiconAnalyzerOptions());

    /// <summary>Number of terms with a sentiment value (for diagnostics and docs).</summary>
    public int SentimentTermCount => _lexicon.SentimentCount;

    public ValueTask<MoodReading> AnalyzeAsync(string text, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Analyze(text));
    }

    public MoodReading Analyze(string? text)
    {
        try
        {
            return AnalyzeCore(text);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug on some odd input must not take a station down: report it as low-confidence neutral.
            return new MoodReading(MoodLabel.Neutral, 0, 0, 0, [new MoodEvidence("(analysis failed)", 0, 0, ex.GetType().Name)]);
        }
    }

    private MoodReading AnalyzeCore(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return MoodReading.Neutral;
        var notes = new List<MoodEvidence>();
        if (text.Length > _options.MaxChars)
        {
            var cut = _options.MaxChars;
            if (char.IsHighSurrogate(text[cut - 1])) cut--;
            text = text[..cut];
            notes.Add(new MoodEvidence("(text cut)", 0, 0, $"only the first {cut} characters were analysed"));
        }
        if (LooksBinary(text))
            return new MoodReading(MoodLabel.Neutral, 0, 0, 0.02, [new MoodEvidence("(not text)", 0, 0, "input looks binary; ignored")]);

        var tokens = _tokenizer.Tokenize(text);
        var terms = ApplyRules(tokens);
        var exclamations = CountExclamations(text);
        var shouting = IsShouting(text);
        var reading = MoodDecider.Decide(terms, exclamations, shouting);
        if (notes.Count == 0)
            return reading;
        return new MoodReading(reading.Label, reading.Valence, reading.Arousal, reading.Confidence, [.. reading.Evidence, .. notes]);
    }

    /// <summary>One step of the rule walk: a term (or plain word / boundary) with its display text.</summary>
    private readonly record struct Unit(string Text, TermInfo? Info, bool Boundary, bool AllCaps, bool Elongated);

    internal List<ScoredTerm> ApplyRules(List<Token> tokens)
    {
        var units = ToUnits(tokens);
        var terms = new List<ScoredTerm>();
        var negationLeft = 0;
        string? negator = null;
        var modifier = 1.0;
        var modifierLeft = 0;
        string? modifierText = null;
        var afterBut = false;
        var butWords = new List<string>();
        var inAlthough = false;
        var inDesire = false;

        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            if (unit.Boundary)
            {
                negationLeft = 0;
                modifierLeft = 0;
                modifier = 1;
                inDesire = false;
                inAlthough = false;
                continue;
            }
            var info = unit.Info;
            if (info is null || info.IsEmpty)
            {
                Tick();
                continue;
            }
            if (info.Contrast is { } contrast)
            {
                if (contrast == ContrastKind.But)
                {
                    // Terms so far weigh less; applied once at the end so many "but"s stay linear.
                    butWords.Add(unit.Text);
                    afterBut = true;
                }
                else
                {
                    inAlthough = true;
                }
                negationLeft = 0;
                inDesire = false;
                continue;
            }
            if (info.IsNegator && info.Sentiment is null)
            {
                negationLeft = _options.NegationScope;
                negator = unit.Text;
                continue;
            }
            if (info.IsDesire && info.Sentiment is null)
            {
                inDesire = true;
                continue;
            }
            if (info.Modifier is { } factor && (info.Sentiment is null || NextHasSentiment(units, u)))
            {
                modifier *= factor;
                modifierLeft = 2;
                modifierText = modifierText is null || modifier == factor ? unit.Text : modifierText + " " + unit.Text;
                if (negationLeft > 0) negationLeft++; // "not very happy": the modifier does not use up the scope
                continue;
            }
            if (info.Sentiment is not { } s)
            {
                Tick();
                continue;
            }

            var term = new ScoredTerm { Text = unit.Text, Valence = s.Valence, Arousal = s.Arousal, Mood = s.Mood };
            if (modifierLeft > 0 && modifier != 1)
            {
                term.Valence *= modifier;
                // Intensifying a word also raises arousal a little ("extremely angry" is hotter than "angry").
                term.Arousal += (modifier - 1) * 0.15;
                term.Notes.Add($"'{modifierText}' ×{modifier.ToString("0.##", CultureInfo.InvariantCulture)}");
            }
            if (unit.AllCaps)
            {
                term.Valence *= 1.3;
                term.Arousal += 0.2;
                term.Notes.Add("ALL CAPS ×1.3");
            }
            if (unit.Elongated)
            {
                term.Valence *= 1.25;
                term.Arousal += 0.15;
                term.Notes.Add("repeated letters ×1.25");
            }
            if (negationLeft > 0)
            {
                term.Valence *= _options.NegationFactor;
                term.Arousal *= 0.6;
                term.Mood = NegatedMood(s);
                if (term.Mood is null && s.Valence < -0.2)
                    term.Mood = MoodLabel.Calm; // "don't worry", "not bad", "no problem": a negated worry is reassurance
                term.Notes.Add($"negated by '{negator}'");
            }
            if (afterBut)
            {
                term.Weight *= _options.AfterContrastWeight;
                term.Notes.Add($"after contrast ×{_options.AfterContrastWeight.ToString(CultureInfo.InvariantCulture)}");
            }
            if (inAlthough)
            {
                term.Weight *= _options.BeforeContrastWeight;
                term.Notes.Add($"conceded clause ×{_options.BeforeContrastWeight.ToString(CultureInfo.InvariantCulture)}");
            }
            if (inDesire)
            {
                term.Desired = true;
                term.Notes.Add("wanted mood (desire)");
            }
            term.ContrastsBefore = butWords.Count;
            term.Valence = Math.Clamp(term.Valence, -1.5, 1.5);
            term.Arousal = Math.Clamp(term.Arousal, -1, 1);
            terms.Add(term);
            modifier = 1;
            modifierLeft = 0;
            modifierText = null;
            if (negationLeft > 0) negationLeft--;
        }
        foreach (var t in terms)
        {
            var later = butWords.Count - t.ContrastsBefore;
            if (later == 0) continue;
            var factor = Math.Pow(_options.BeforeContrastWeight, later);
            t.Weight *= factor;
            t.Notes.Add($"before '{butWords[t.ContrastsBefore]}' ×{factor.ToString("0.###", CultureInfo.InvariantCulture)}");
        }
        return terms;

        void Tick()
        {
            if (negationLeft > 0) negationLeft--;
            if (modifierLeft > 0 && --modifierLeft == 0)
            {
                modifier = 1;
                modifierText = null;
            }
        }
    }

    /// <summary>
    /// What a negated cue says: "not calm" is not calm, but "not happy" reads sad and "not sad"
    /// reads calm; other negated cues carry no mood.
    /// </summary>
    private static MoodLabel? NegatedMood(Sentiment s) => s.Mood switch
    {
        MoodLabel.Happy or MoodLabel.Energetic => MoodLabel.Sad,
        MoodLabel.Sad or MoodLabel.Angry => MoodLabel.Calm,
        _ => null,
    };

    private static bool NextHasSentiment(List<Unit> units, int u)
    {
        for (var k = u + 1; k < units.Count && k <= u + 2; k++)
        {
            if (units[k].Boundary) return false;
            if (units[k].Info?.Sentiment is not null || units[k].Info?.Modifier is not null) return true;
        }
        return false;
    }

    private List<Unit> ToUnits(List<Token> tokens)
    {
        var units = new List<Unit>(tokens.Count);
        var keys = new string[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
            keys[i] = tokens[i].Kind == TokenKind.Word ? ResolveWordKey(tokens[i]) : tokens[i].Key;

        for (var i = 0; i < tokens.Count;)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case TokenKind.Boundary:
                    units.Add(new Unit(token.Text, null, true, false, false));
                    i++;
                    break;
                case TokenKind.Symbol:
                    _lexicon.TryGet(token.Key, out var symbol);
                    units.Add(new Unit(token.Text, symbol, false, false, false));
                    i++;
                    break;
                case TokenKind.Han:
                    foreach (var (segment, info) in _segmenter.Segment(token.Key))
                        units.Add(new Unit(segment, info, false, false, false));
                    i++;
                    break;
                default:
                    i = MatchPhrase(tokens, keys, i, units);
                    break;
            }
        }
        return units;
    }

    /// <summary>Longest lexicon phrase starting at word <paramref name="i"/> ("can't wait", "a bit", "thank god").</summary>
    private int MatchPhrase(List<Token> tokens, string[] keys, int i, List<Unit> units)
    {
        var words = 1;
        while (words < _lexicon.MaxPhraseWords && i + words < tokens.Count && tokens[i + words].Kind == TokenKind.Word)
            words++;
        // Lay the candidate words out once ("a little bit") and look up its prefixes without allocating.
        var length = words - 1;
        for (var k = 0; k < words; k++)
            length += keys[i + k].Length;
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(length);
        try
        {
            Span<int> ends = stackalloc int[words];
            var position = 0;
            for (var k = 0; k < words; k++)
            {
                if (k > 0) buffer[position++] = ' ';
                keys[i + k].CopyTo(buffer.AsSpan(position));
                position += keys[i + k].Length;
                ends[k] = position;
            }
            for (var n = words; n >= 1; n--)
            {
                var info = _lexicon.Find(buffer.AsSpan(0, ends[n - 1]));
                if (info is null || info.IsEmpty)
                    continue;
                var caps = true;
                var elongated = false;
                for (var k = i; k < i + n; k++)
                {
                    caps &= tokens[k].AllCaps;
                    elongated |= tokens[k].Elongated;
                }
                var text = n == 1 ? tokens[i].Text : string.Join(' ', tokens.GetRange(i, n).Select(t => t.Text));
                units.Add(new Unit(text, info, false, caps, elongated));
                return i + n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
        units.Add(new Unit(tokens[i].Text, null, false, false, false));
        return i + 1;
    }

    /// <summary>
    /// The lexicon key of a word, undoing elongation ("soooo" → "so", "happyyy" → "happy") and
    /// folding laughter ("hahahaha" → "haha").
    /// </summary>
    private string ResolveWordKey(Token token)
    {
        var key = token.Key;
        if (_lexicon.Contains(key))
            return key;
        if (IsLaughter(key) && _lexicon.Contains("haha"))
            return "haha";
        if (token.Elongated)
        {
            var two = CollapseRuns(key, 2);
            if (_lexicon.Contains(two))
                return two;
            var one = CollapseRuns(key, 1);
            if (_lexicon.Contains(one))
                return one;
            key = one;
        }
        foreach (var stem in Stems(key))
            if (_lexicon.TryGet(stem, out var info) && info.Sentiment is not null)
                return stem;
        return key;
    }

    /// <summary>
    /// Base forms to try for an inflected word the lexicon does not list ("annoys" → "annoy",
    /// "smiling" → "smile", "happily" → "happy", "friend's" → "friend"), so entries need not list every form.
    /// </summary>
    internal static IEnumerable<string> Stems(string key)
    {
        if (key.Length < 4)
            yield break;
        if (key.EndsWith("'s", StringComparison.Ordinal)) { yield return key[..^2]; yield break; }
        if (key.EndsWith("ies", StringComparison.Ordinal)) yield return key[..^3] + "y";
        if (key.EndsWith("ily", StringComparison.Ordinal)) yield return key[..^3] + "y";
        if (key.EndsWith("iness", StringComparison.Ordinal)) yield return key[..^5] + "y";
        if (key.EndsWith("ness", StringComparison.Ordinal)) yield return key[..^4];
        if (key.EndsWith("ly", StringComparison.Ordinal)) yield return key[..^2];
        if (key.EndsWith("es", StringComparison.Ordinal)) yield return key[..^2];
        if (key.EndsWith('s') && !key.EndsWith("ss", StringComparison.Ordinal)) yield return key[..^1];
        foreach (var suffix in new[] { "ed", "ing", "er", "est" })
        {
            if (!key.EndsWith(suffix, StringComparison.Ordinal) || key.Length - suffix.Length < 3)
                continue;
            var stem = key[..^suffix.Length];
            yield return stem;
            yield return stem + "e";
            if (stem.Length >= 3 && stem[^1] == stem[^2])
                yield return stem[..^1]; // "stopped" → "stop"
            if (stem.EndsWith('i'))
                yield return stem[..^1] + "y"; // "happier" → "happy"
        }
    }

    private static bool IsLaughter(string key) =>
        key.Length >= 4 && key[0] is 'h' or 'a' && key.All(c => c is 'h' or 'a' or 'e') && key.Count(c => c == 'h') >= 2;

    /// <summary>Shortens every run of 3+ equal characters to <paramref name="keep"/>.</summary>
    internal static string CollapseRuns(string key, int keep)
    {
        var sb = new System.Text.StringBuilder(key.Length);
        for (var i = 0; i < key.Length;)
        {
            var j = i;
            while (j < key.Length && key[j] == key[i]) j++;
            var run = j - i;
            sb.Append(key[i], run >= 3 ? keep : run);
            i = j;
        }
        return sb.ToString();
    }

    private static int CountExclamations(string text)
    {
        var n = 0;
        foreach (var c in text)
            if (c is '!' or '！') n++;
        return n;
    }

    /// <summary>Most letters upper-case over a real stretch of text: the whole message is shouted.</summary>
    private static bool IsShouting(string text)
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
    private static bool LooksBinary(string text)
    {
        var bad = 0;
        foreach (var c in text)
            if ((char.IsControl(c) && c is not '\n' and not '\r' and not '\t') || c == '\uFFFD' || char.GetUnicodeCategory(c) == UnicodeCategory.PrivateUse)
                bad++;
        return bad > Math.Max(2, text.Length / 10);
    }
}
