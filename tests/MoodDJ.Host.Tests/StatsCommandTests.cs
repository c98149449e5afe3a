using Microsoft.Data.Sqlite;
using MoodDJ.Host.Tests.Support;
using MoodDJ.Storage;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj stats [--user U] [--room R] [--since T]` over a real SQLite listening log, as a user runs it.</summary>
public sealed class StatsCommandTests
{
    [Fact]
    public async Task Stats_sum_listening_per_user_and_room_with_totals_and_filters()
    {
        using var temp = new TempFolder();
        var db = temp.File("rooms.db");
        var now = DateTimeOffset.UtcNow;
        await using (var store = await SqlStore.OpenAsync(new StorageOptions { Path = db }))
        {
            await store.Listening.AppendAsync(new ListeningRecord("alice", "Lounge", now.AddHours(-3), now.AddHours(-2), TimeSpan.FromMinutes(50)));
            await store.Listening.AppendAsync(new ListeningRecord("alice", "Lounge", now.AddMinutes(-30), now.AddMinutes(-10), TimeSpan.FromMinutes(20)));
            await store.Listening.AppendAsync(new ListeningRecord("alice", "Attic", now.AddMinutes(-5), now, TimeSpan.FromSeconds(90)));
            await store.Listening.AppendAsync(new ListeningRecord("bob", "Lounge\nbreak", now.AddDays(-2), now.AddDays(-2).AddHours(26), TimeSpan.FromHours(25)));
        }
        SqliteConnection.ClearAllPools();
        File.WriteAllText(temp.File("mooddj.json"), $$"""{ "storage": { "path": "{{db}}" } }""");

        var all = await MooddjProcess.RunAsync(temp.Path, "stats");
        Assert.True(all.ExitCode == 0, all.ToString());
        var lines = all.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.StartsWith("user", lines[0]);
        Assert.Matches(@"^bob\s+Lounge break\s+25:00:00\s+1\s", lines[1]); // hours past a day stay hours; a line break cannot split a row
        Assert.Matches(@"^alice\s+Lounge\s+1:10:00\s+2\s", lines[2]);
        Assert.Matches(@"^alice\s+Attic\s+0:01:30\s+1\s", lines[3]);
        Assert.Matches(@"^alice\s+\(all rooms\)\s+1:11:30\s+3$", lines[4]);
        Assert.Equal("total: 26:11:30 of listening by 2 user(s)", lines[5]);

        var alice = await MooddjProcess.RunAsync(temp.Path, "stats", "--user", "ALICE", "--room", "Lounge");
        Assert.Matches(@"alice\s+Lounge\s+1:10:00\s+2", alice.StdOut);
        Assert.DoesNotContain("Attic", alice.StdOut);
        var recent = await MooddjProcess.RunAsync(temp.Path, "stats", "--user", "alice", "--since", "1h");
        Assert.Contains("total: 0:21:30 of listening by 1 user(s)", recent.StdOut);
        var nobody = await MooddjProcess.RunAsync(temp.Path, "stats", "--user", "carol");
        Assert.Contains("(no listening by 'carol')", nobody.StdOut);

        CommandLineTests.AssertCleanFailure(await MooddjProcess.RunAsync(temp.Path, "stats", "--since", "last tuesday"), "--since 'last tuesday'");
        CommandLineTests.AssertCleanFailure(await MooddjProcess.RunAsync(temp.Path, "stats", "--user", new string('x', 65)), "at most 64 characters");
        File.WriteAllText(temp.File("mooddj.json"), $$"""{ "storage": { "path": "{{temp.File("none.db")}}" } }""");
        CommandLineTests.AssertCleanFailure(await MooddjProcess.RunAsync(temp.Path, "stats"), "No rooms database");
    }
}
