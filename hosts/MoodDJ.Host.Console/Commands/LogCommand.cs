using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using MoodDJ.Rooms;
using MoodDJ.Storage;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj log [--room R] [--since T] [--limit N]`: the system event log (logins, rooms, moods,
/// errors) from the configured database, oldest first. Reads the database directly: no server needed.
/// </summary>
internal sealed partial class LogCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var room = new Option<string?>("--room") { Description = "Only events of this room." };
        var since = new Option<string?>("--since") { Description = "Only events at or after this time: 2026-11-30T03:00Z, 2026-11-30, or an age such as 90s, 10m, 2h, 7d." };
        var limit = new Option<int>("--limit") { Description = "At most this many events (the newest).", DefaultValueFactory = _ => 1000 };
        var command = new Command("log", "Show the system event log (logins, rooms, moods, errors) from the rooms database.") { room, since, limit };
        command.SetAction((parseResult, ct) =>
            CommandRunner.RunAsync(parseResult, globals, (context, token) => RunAsync(context.Configuration, parseResult.GetValue(room),
                parseResult.GetValue(since), parseResult.GetValue(limit), System.Console.Out, token), ct));
        return command;
    }

    internal static async Task<int> RunAsync(Microsoft.Extensions.Configuration.IConfiguration configuration, string? room, string? since, int limit,
        TextWriter output, CancellationToken token)
    {
        if (limit is < 1 or > 100_000) throw new UserFacingException($"--limit must be 1..100000, not {limit}.");
        var from = since is null ? (DateTimeOffset?)null : ParseSince(since, DateTimeOffset.UtcNow);
        var options = RoomsSetup.Storage(configuration);
        if (options.Provider == StorageOptions.Sqlite && !File.Exists(options.DatabasePath))
            throw new UserFacingException($"No rooms database at {options.DatabasePath} yet (`mooddj server` makes it; storage:path names another).");
        await using var store = await RoomsSetup.OpenStoreAsync(options, token);
        var events = await store.Events.QueryAsync(room, from, limit, token);
        foreach (var e in events)
            output.WriteLine(string.Join("  ", e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), e.Kind,
                Cell(e.User, "-"), Cell(e.Room, "-"), Cell(e.Detail, "")));
        if (events.Count == 0) output.WriteLine("(no events" + (room is null ? "" : $" in room '{room}'") + (from is null ? "" : $" since {from:u}") + ")");
        return 0;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$", RegexOptions.IgnoreCase)]
    private static partial Regex Age();

    internal static DateTimeOffset ParseSince(string text, DateTimeOffset now)
    {
        var age = Age().Match(text.Trim());
        if (age.Success)
        {
            var n = double.Parse(age.Groups[1].Value, CultureInfo.InvariantCulture);
            return now - (char.ToLowerInvariant(age.Groups[2].Value[0]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            });
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        throw new UserFacingException($"--since '{text}' is neither a time (2026-11-30T03:00Z) nor an age (90s, 10m, 2h, 7d).");
    }

    // One event per line: user text (a room name, a typed user name) cannot break the line.
    private static string Cell(string? text, string empty) =>
        string.IsNullOrEmpty(text) ? empty : new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
