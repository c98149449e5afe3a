using System.Text.RegularExpressions;

namespace MoodDJ.Rooms.Chat;

/// <summary>Finds @name mentions in a message (a name as <see cref="NameRules.User"/> allows, not inside a word or an e-mail address).</summary>
public static partial class Mentions
{
    public const int MaxPerMessage = 20;

    [GeneratedRegex(@"(?<![A-Za-z0-9_.\-@])@([A-Za-z0-9_.\-]{3,32})")]
    private static partial Regex Pattern();

    public static IReadOnlyList<string> Find(string text) =>
        Pattern().Matches(text).Select(m => m.Groups[1].Value.TrimEnd('.'))
            .Where(n => n.Length >= 3).Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxPerMessage).ToList();
}
