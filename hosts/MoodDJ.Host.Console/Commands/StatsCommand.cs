using System.CommandLine;
using System.Globalization;
using MoodDJ.Rooms;
using MoodDJ.Storage;

namespace MoodDJ.Host.Console.Commands;

/// <summary>
/// `mooddj stats [--user U] [--room R] [--since T]`: listening time per user and room on the rooms'
/// stations (the music heard, pauses left out; seed 001's billing by play time), from the configured
/// database, largest first, with a total per user. Reads the database directly: no server needed.
/// </summary>
internal sealed class StatsCommand : ICliCommand
{
    public Command Create(GlobalOptions globals)
    {
        var user = new Option<string?>("--user") { Description = "Only this user's listening (any case)." };
        var room = new Option<string?>("--room") { Description = "Only listening in this room." };
        var since = new Option<string?>("--since") { Description = "Only listening that ended at or after this time: 2026-11-30T03:00Z, 2026-11-30, or an age such as 90s, 10m, 2h, 7d." };
        var command = new Command("stats", "Show listening time per user and room (from the rooms database).") { user, room, since };
        command.SetAction((parseResult, ct) =>
            CommandRunner.RunAsync(parseResult, globals, (context, token) => RunAsync(context.Configuration, parseResult.GetValue(user),
                parseResult.GetValue(room), parseResult.GetValue(since), System.Console.Out, token), ct));
        return command;
    }

    internal static async Task<int> RunAsync(Microsoft.Extensions.Configuration.IConfiguration configuration, string? user, string? room, string? since,
        TextWriter output, CancellationToken token)
    {
        if (user is { Length: > 64 } || room is { Length: > 64 }) throw new UserFacingException("--user and --room take a name of at most 64 characters.");
        var from = since is null ? (DateTimeOffset?)null : LogCommand.ParseSince(since, DateTimeOffset.UtcNow);
        var options = RoomsSetup.Storage(configuration);
        if (options.Provider == StorageOptions.Sqlite && !File.Exists(options.DatabasePath))
            throw new UserFacingException($"No rooms database at {options.DatabasePath} yet (`mooddj server` makes it; storage:path names another).");
        await using var store = await RoomsSetup.OpenStoreAsync(options, token);
        var totals = await store.Listening.TotalsAsync(user, room, from, token);
        if (totals.Count == 0)
        {
            output.WriteLine("(no listening" + (user is null ? "" : $" by '{Clean(user)}'") + (room is null ? "" : $" in room '{Clean(room)}'") +
                             (from is null ? "" : $" since {from:u}") + ")");
            return 0;
        }
        var width = Math.Max(4, totals.Max(t => Clean(t.User).Length));
        var roomWidth = Math.Max(4, totals.Max(t => Clean(t.Room).Length));
        output.WriteLine($"{"user".PadRight(width)}  {"room".PadRight(roomWidth)}  {"listened",10}  spells  last (UTC)");
        foreach (var t in totals)
            output.WriteLine($"{Clean(t.User).PadRight(width)}  {Clean(t.Room).PadRight(roomWidth)}  {Duration(t.Heard),10}  {t.Spells,6}  " +
                             t.Last.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        foreach (var person in totals.GroupBy(t => t.User, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            output.WriteLine($"{Clean(person.First().User).PadRight(width)}  {"(all rooms)".PadRight(roomWidth)}  {Duration(Sum(person)),10}  {person.Sum(t => t.Spells),6}");
        output.WriteLine($"total: {Duration(Sum(totals))} of listening by {totals.Select(t => t.User).Distinct(StringComparer.OrdinalIgnoreCase).Count()} user(s)");
        return 0;
    }

    private static TimeSpan Sum(IEnumerable<ListeningTotal> totals) => totals.Aggregate(TimeSpan.Zero, (sum, t) => sum + t.Heard);

    /// <summary>h:mm:ss (hours past 24 stay hours), to the second.</summary>
    internal static string Duration(TimeSpan time)
    {
        var seconds = (long)Math.Round(time.TotalSeconds);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds / 60 % 60:00}:{seconds % 60:00}");
    }

    // One row per line: a room name cannot break the table.
    private static string Clean(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
