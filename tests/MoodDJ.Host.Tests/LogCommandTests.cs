using Microsoft.Data.Sqlite;
using MoodDJ.Host.Tests.Support;
using MoodDJ.Storage;

namespace MoodDJ.Host.Tests;

/// <summary>`mooddj log [--room R] [--since T]` over a real SQLite event log, as a user runs it.</summary>
public sealed class LogCommandTests
{
    [Fact]
    public async Task Log_shows_the_events_filtered_by_room_and_time_one_per_line()
    {
        using var temp = new TempFolder();
        var db = temp.File("rooms.db");
        await using (var store = await SqlStore.OpenAsync(new StorageOptions { Path = db }))
        {
            await store.Events.AppendAsync(EventKinds.Login, null, "alice", "from 127.0.0.1");
            await store.Events.AppendAsync(EventKinds.RoomCreated, "lounge", "alice", "members only");
            await store.Events.AppendAsync(EventKinds.Mood, "attic", "bob", "calm: a line\nbreak that must not split the event");
        }
        SqliteConnection.ClearAllPools();
        File.WriteAllText(temp.File("mooddj.json"), $$"""{ "storage": { "path": "{{db}}" } }""");

        var all = await MooddjProcess.RunAsync(temp.Path, "log");
        Assert.True(all.ExitCode == 0, all.ToString());
        var lines = all.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("login  alice  -  from 127.0.0.1", lines[0]);
        Assert.Contains("mood  bob  attic  calm: a line break", lines[2]);

        var room = await MooddjProcess.RunAsync(temp.Path, "log", "--room", "lounge");
        Assert.Equal(["room-created"], room.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split("  ")[1]));
        var recent = await MooddjProcess.RunAsync(temp.Path, "log", "--since", "1h");
        Assert.Equal(3, recent.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var future = await MooddjProcess.RunAsync(temp.Path, "log", "--since", DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd"));
        Assert.Contains("(no events since", future.StdOut);

        CommandLineTests.AssertCleanFailure(await MooddjProcess.RunAsync(temp.Path, "log", "--since", "last tuesday"), "--since 'last tuesday'");
        File.WriteAllText(temp.File("mooddj.json"), $$"""{ "storage": { "path": "{{temp.File("none.db")}}" } }""");
        CommandLineTests.AssertCleanFailure(await MooddjProcess.RunAsync(temp.Path, "log"), "No rooms database");
    }
}
