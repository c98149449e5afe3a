using System.Text.RegularExpressions;

namespace MoodDJ.Rooms;

/// <summary>What a user or room name may be: short, printable, and (for users) mentionable as @name.</summary>
public static partial class NameRules
{
    public const int MaxUserName = 32;
    public const int MaxRoomName = 64;
    public const int MaxPassword = 1024;

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{3,32}$")]
    private static partial Regex UserNamePattern();

    public static string User(string? name)
    {
        if (string.IsNullOrEmpty(name)) throw Invalid("A user name is required.");
        if (name.Length > MaxUserName) throw Invalid($"The user name is {name.Length} characters; the limit is {MaxUserName}.");
        if (!UserNamePattern().IsMatch(name)) throw Invalid("A user name is 3 to 32 letters, digits, '_', '.' or '-'.");
        return name;
    }

    /// <summary>Room names are free text (any script) but printable and trimmed.</summary>
    public static string Room(string? name)
    {
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) throw Invalid("A room name is required.");
        if (name.Length > MaxRoomName) throw Invalid($"The room name is {name.Length} characters; the limit is {MaxRoomName}.");
        if (name.Any(char.IsControl)) throw Invalid("A room name cannot hold control characters.");
        return name;
    }

    public static string Password(string? password, int minLength)
    {
        if (string.IsNullOrEmpty(password) || password.Length < minLength) throw Invalid($"A password is at least {minLength} characters.");
        if (password.Length > MaxPassword) throw Invalid($"A password is at most {MaxPassword} characters.");
        return password;
    }

    private static RoomsException Invalid(string message) => new(RoomsError.Invalid, message);
}
