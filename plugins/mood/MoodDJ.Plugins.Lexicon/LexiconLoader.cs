using System.Globalization;
using MoodDJ.Abstractions.Mood;

namespace MoodDJ.Plugins.Lexicon;

/// <summary>
/// Reads the lexicon's data folder (terms/*.tsv and the rule files in rules/) and any extra term
/// files a user names. Every format error names the file and line so a user can fix it.
/// </summary>
internal static class LexiconLoader
{
    public const string TermsFolder = "terms";
    public const string RulesFolder = "rules";

    public static LexiconData Load(string dataFolder, IEnumerable<string>? extraLexicons = null)
    {
        if (!Directory.Exists(dataFolder))
            throw new DirectoryNotFoundException($"Lexicon data folder '{dataFolder}' does not exist; set plugins:settings:lexicon:dataFolder or reinstall the plugin.");
        var rules = Path.Combine(dataFolder, RulesFolder);
        var variants = ReadVariants(Path.Combine(rules, "zh-variants.tsv"));
        var terms = new Dictionary<string, TermInfo>(StringComparer.Ordinal);

        TermInfo Entry(string raw, string file, int line)
        {
            var key = TermKey.Normalize(raw, variants);
            if (key.Length == 0)
                throw Error(file, line, "the term is empty");
            if (!terms.TryGetValue(key, out var info))
                terms[key] = info = new TermInfo();
            return info;
        }

        foreach (var (file, line, cols) in ReadRows(Path.Combine(rules, "negators.txt"), optional: true))
            Entry(cols[0], file, line).IsNegator = true;
        foreach (var (file, line, cols) in ReadRows(Path.Combine(rules, "zh-words.txt"), optional: true))
            Entry(cols[0], file, line).IsPlainWord = true;
        foreach (var (file, line, cols) in ReadRows(Path.Combine(rules, "desire.txt"), optional: true))
            Entry(cols[0], file, line).IsDesire = true;
        foreach (var (file, line, cols) in ReadRows(Path.Combine(rules, "modifiers.tsv"), optional: true))
        {
            var factor = Number(cols, 1, file, line, "factor");
            if (factor is <= 0 or > 4)
                throw Error(file, line, $"factor {factor} is outside 0..4 (use > 1 to intensify, < 1 to diminish)");
            var position = cols.Length > 2 ? cols[2].Trim().ToLowerInvariant() : "";
            if (position is not "" and not "before" and not "after")
                throw Error(file, line, $"position '{cols[2]}' is not 'before' or 'after'");
            if (position == "after") Entry(cols[0], file, line).AfterModifier = factor;
            else Entry(cols[0], file, line).Modifier = factor;
        }
        foreach (var (file, line, cols) in ReadRows(Path.Combine(rules, "contrast.tsv"), optional: true))
        {
            var kind = cols.Length > 1 ? cols[1].Trim().ToLowerInvariant() : "but";
            Entry(cols[0], file, line).Contrast = kind switch
            {
                "but" => ContrastKind.But,
                "although" => ContrastKind.Although,
                _ => throw Error(file, line, $"contrast kind '{cols[1]}' is not 'but' or 'although'"),
            };
        }

        var sarcasm = new SarcasmFrames();
        var laughter = new List<string>();
        foreach (var (file, line, cols) in ReadRows(Path.Combine(rules, "sarcasm.tsv"), optional: true))
        {
            var kind = cols.Length > 1 ? cols[1].Trim().ToLowerInvariant() : "hint";
            if (kind is not "clear" and not "hint" and not "mock" and not "turn")
                throw Error(file, line, $"sarcasm kind '{cols[1]}' is not 'clear', 'hint', 'turn' or 'mock'");
            var key = TermKey.Normalize(cols[0], variants);
            if (key.Length == 0)
                throw Error(file, line, "the phrase is empty");
            if (kind == "mock") laughter.Add(key);
            else if (kind == "turn") sarcasm.AddTurn(key);
            else sarcasm.Add(key, kind == "clear");
        }

        var termsFolder = Path.Combine(dataFolder, TermsFolder);
        var termFiles = Directory.Exists(termsFolder)
            ? Directory.GetFiles(termsFolder, "*.tsv").Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var extra in extraLexicons ?? [])
        {
            if (Directory.Exists(extra))
                termFiles.AddRange(Directory.GetFiles(extra, "*.tsv").Order(StringComparer.Ordinal));
            else if (File.Exists(extra))
                termFiles.Add(extra);
            else
                throw new FileNotFoundException($"Extra lexicon '{extra}' (plugins:settings:lexicon:extraLexicons) does not exist.", extra);
        }
        // Later files win, so a user's extra lexicon overrides a bundled value. A derived file (first
        // line "# derived…") only fills gaps: a hand-written entry wins wherever the files stand.
        foreach (var path in termFiles)
        {
            var derived = IsDerived(path);
            foreach (var (file, line, cols) in ReadRows(path, optional: false))
            {
                var sentiment = ParseSentiment(cols, file, line);
                var info = Entry(cols[0], file, line);
                // Nor does it give a rule word (a negator, a plain word such as 困扰) a sentiment.
                if (derived && (info.Sentiment is null ? !info.IsEmpty : !info.IsDerived)) continue;
                info.Sentiment = sentiment;
                info.IsDerived = derived;
            }
        }
        // Laughter roots mark every pleasant entry that holds them: 哈哈 marks 哈哈哈哈 and [哈哈].
        foreach (var (key, info) in terms)
            if (info.Sentiment is { Valence: > 0 } && laughter.Any(root => key.Contains(root, StringComparison.Ordinal)))
                info.IsLaughter = true;

        return new LexiconData(terms, variants) { Sarcasm = sarcasm };
    }

    /// <summary>A term file whose first line starts with "# derived" holds entries made by a tool, not by hand.</summary>
    internal static bool IsDerived(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine()?.TrimStart().StartsWith("# derived", StringComparison.OrdinalIgnoreCase) == true;
    }

    private static Sentiment ParseSentiment(string[] cols, string file, int line)
    {
        var valence = Number(cols, 1, file, line, "valence");
        var arousal = cols.Length > 2 && cols[2].Trim().Length > 0 ? Number(cols, 2, file, line, "arousal") : 0;
        if (valence is < -1 or > 1 || arousal is < -1 or > 1)
            throw Error(file, line, "valence and arousal must be in -1..1");
        MoodLabel? mood = null;
        if (cols.Length > 3 && cols[3].Trim().Length > 0)
        {
            if (!Enum.TryParse<MoodLabel>(cols[3].Trim(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(cols[3].Trim()[0]))
                throw Error(file, line, $"mood '{cols[3].Trim()}' is not one of {string.Join(", ", Enum.GetNames<MoodLabel>()).ToLowerInvariant()}");
            mood = parsed;
        }
        return new Sentiment(valence, arousal, mood);
    }

    private static double Number(string[] cols, int index, string file, int line, string what)
    {
        if (cols.Length <= index || !double.TryParse(cols[index].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw Error(file, line, $"column {index + 1} ({what}) must be a number, got '{(cols.Length > index ? cols[index] : "")}'");
        return value;
    }

    private static ChineseVariants ReadVariants(string path)
    {
        var map = new Dictionary<char, char>();
        foreach (var (file, line, cols) in ReadRows(path, optional: true))
        {
            if (cols.Length < 2 || cols[0].Trim().Length != 1 || cols[1].Trim().Length != 1)
                throw Error(file, line, "expected two single characters: traditional<TAB>simplified");
            map[cols[0].Trim()[0]] = cols[1].Trim()[0];
        }
        return new ChineseVariants(map);
    }

    /// <summary>Non-empty, non-comment lines split on tabs. '#' starts a comment only at the start of a line.</summary>
    private static IEnumerable<(string File, int Line, string[] Cols)> ReadRows(string path, bool optional)
    {
        if (!File.Exists(path))
        {
            if (optional) yield break;
            throw new FileNotFoundException($"Lexicon file '{path}' does not exist.", path);
        }
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var text = raw.TrimEnd('\r');
            if (text.Trim().Length == 0 || text.TrimStart().StartsWith('#'))
                continue;
            yield return (path, number, text.Split('\t'));
        }
    }

    private static InvalidDataException Error(string file, int line, string what) =>
        new($"{file}:{line}: {what}.");
}
