using System.Globalization;
using MoodDJ.Abstractions.Mood;
using MoodDJ.Plugins.Lexicon.Model;

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
    private readonly TermMatcher _matcher;
    private readonly MoodModel? _model;

    internal LexiconAnalyzer(LexiconData lexicon, LexiconAnalyzerOptions options, MoodModel? model = null)
    {
        if (options.MaxChars < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxChars, "maxChars must be at least 1.");
        _lexicon = lexicon;
        _options = options;
        _tokenizer = new Tokenizer(lexicon);
        _matcher = new TermMatcher(lexicon);
        _model = options.ModelWeight > 0 ? model : null;
    }

    /// <summary>Where the bundled model lives inside a data folder.</summary>
    public const string ModelFile = "model/mood-goemotions.bin.gz";

    /// <summary>Loads the lexicon from <paramref name="dataFolder"/> (terms/ and rules/) plus any extra term files.</summary>
    /// <summary>The trained model is read from <see cref="ModelFile"/> in the data folder when present and <see cref="LexiconAnalyzerOptions.ModelWeight"/> is above 0.</summary>
    public static LexiconAnalyzer Load(string dataFolder, IEnumerable<string>? extraLexicons = null, LexiconAnalyzerOptions? options = null)
    {
        options ??= new LexiconAnalyzerOptions();
        var modelPath = Path.Combine(dataFolder, ModelFile);
        var model = options.ModelWeight > 0 && File.Exists(modelPath) ? MoodModel.Load(modelPath) : null;
        return new(LexiconLoader.Load(dataFolder, extraLexicons), options, model);
    }

    /// <summary>True when a trained model takes part in the readings.</summary>
    public bool HasModel => _model is not null;

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
        if (TextSignals.LooksBinary(text))
            return new MoodReading(MoodLabel.Neutral, 0, 0, 0.02, [new MoodEvidence("(not text)", 0, 0, "input looks binary; ignored")]);

        var tokens = _tokenizer.Tokenize(text);
        var terms = ApplyRules(tokens, out var againClauses);
        TurnOfPhrase.Mockery(terms);
        var exclamations = TextSignals.CountExclamations(text) + Math.Min(TextSignals.CountChineseQuestions(text), 2);
        var shouting = TextSignals.IsShouting(text);
        var (sarcasm, frames) = TurnOfPhrase.Sarcasm(_lexicon.Sarcasm, tokens, terms, againClauses);
        var flipped = sarcasm >= 2 || sarcasm == 1 && terms.Any(t => t.Valence < -0.2 && !t.Desired);
        if (flipped)
            SarcasmFrames.FlipPraise(terms);
        // The model cannot hear sarcasm: it would read "great … perfect" as happy.
        var reading = MoodDecider.Decide(terms, exclamations, shouting, flipped ? null : ModelVote.For(_model, text, _options));
        if (sarcasm > 0)
        {
            notes.Add(new MoodEvidence("(sarcasm)", 0, 0, $"{SarcasmFrames.Describe(frames)}: " +
                (flipped ? "praise read as its opposite, confidence lowered" : "may be sarcastic, confidence lowered")));
            reading = new MoodReading(reading.Label, reading.Valence, reading.Arousal, reading.Confidence * (flipped ? 0.35 : 0.5), reading.Evidence);
        }
        if (reading.IsLowConfidence && reading.Label != MoodLabel.Neutral)
            notes.Add(new MoodEvidence("(low confidence)", 0, 0, "the label is a guess: music is picked by valence and arousal"));
        if (notes.Count == 0)
            return reading;
        return new MoodReading(reading.Label, reading.Valence, reading.Arousal, reading.Confidence, [.. reading.Evidence, .. notes]);
    }

    /// <param name="againClauses">clauses that hold 又 ("again"), for <see cref="TurnOfPhrase.PraiseThenAgain"/>.</param>
    internal List<ScoredTerm> ApplyRules(List<Token> tokens, out List<int> againClauses)
    {
        againClauses = [];
        var clause = 0;
        var units = _matcher.ToUnits(tokens);
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
        var lastTermUnit = -2;

        for (var u = 0; u < units.Count; u++)
        {
            var unit = units[u];
            if (unit.Boundary)
            {
                clause++;
                negationLeft = 0;
                modifierLeft = 0;
                modifier = 1;
                inDesire = false;
                inAlthough = false;
                continue;
            }
            if (unit.Text.Length > 0 && unit.Text[0] == '又' && (againClauses.Count == 0 || againClauses[^1] != clause))
                againClauses.Add(clause);
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
            if (info.AfterModifier is { } after && (info.Sentiment is null || lastTermUnit == u - 1))
            {
                // A degree word after a term strengthens that term ("累得要命"); elsewhere it says
                // nothing, or, when it is also a term, reads as that term ("帅死了" is very handsome,
                // "我的猫死了" is a death).
                if (lastTermUnit == u - 1)
                {
                    var last = terms[^1];
                    last.Valence = Math.Clamp(last.Valence * after, -1.5, 1.5);
                    last.Arousal = Math.Clamp(last.Arousal + (after - 1) * 0.15, -1, 1);
                    last.Notes.Add($"'{unit.Text}' ×{after.ToString("0.##", CultureInfo.InvariantCulture)}");
                }
                Tick();
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

            var term = new ScoredTerm { Text = unit.Text, Valence = s.Valence, Arousal = s.Arousal, Mood = s.Mood, Laughter = info.IsLaughter };
            if (info.IsBackoff)
                term.Notes.Add("character back-off: a weak copy of what the entries containing it say");
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
            if (negationLeft > 0 && TurnOfPhrase.NeverThisMuch(negator, modifierText, units, u))
            {
                term.Notes.Add($"'{negator}…{modifierText}…{units[u + 1].Text[0]}': never this much, not negated");
            }
            else if (negationLeft > 0)
            {
                term.Valence *= _options.NegationFactor;
                term.Arousal *= 0.6;
                term.Mood = NegatedMood(s);
                if (term.Mood is null && s.Valence < -0.2)
                    term.Mood = MoodLabel.Calm; // "don't worry", "not bad", "no problem": a negated worry is reassurance
                term.Negated = true;
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
            term.Clause = clause;
            term.Valence = Math.Clamp(term.Valence, -1.5, 1.5);
            term.Arousal = Math.Clamp(term.Arousal, -1, 1);
            terms.Add(term);
            lastTermUnit = u;
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
}
