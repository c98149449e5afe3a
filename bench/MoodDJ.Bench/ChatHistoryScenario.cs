using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MoodDJ.Storage;

namespace MoodDJ.Bench;

/// <summary>
/// `chat-history [messages=1000000] [samples=5000]`: p50/p99 of one chat write (message + nonce, one
/// committed transaction) and of one 100-message history page at a random cursor, on SQLite holding
/// <c>messages</c> stored messages in 10 rooms (seeded in one bulk transaction first).
/// Targets (issue 12, Discord's): p99 write ≤ 5 ms, p99 history read ≤ 15 ms.
/// </summary>
public sealed class ChatHistoryScenario : IBenchScenario
{
    public string Name => "chat-history";

    public async Task<int> RunAsync(string[] args)
    {
        var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
        var dir = Directory.CreateTempSubdirectory("mooddj-bench-chat-").FullName;
        try
        {
            var options = new StorageOptions { Path = Path.Combine(dir, "chat.db") };
            await using var store = await SqlStore.OpenAsync(options);
            var user = (await store.Users.TryCreateAsync("bench", [1], [2], 600_000))!;
            var rooms = new List<RoomRecord>();
            for (var r = 0; r < 10; r++) rooms.Add((await store.Rooms.TryCreateAsync($"room{r}", user.Id, true))!);
            var ids = new SnowflakeIds(1);
            var clock = Stopwatch.StartNew();
            var roomIds = Seed(options.Path, total, rooms, user, ids);
            Console.WriteLine($"Seeded {total:N0} messages (and their nonces) in {clock.Elapsed.TotalSeconds:0.0} s; database {new FileInfo(options.Path).Length / 1e6:0} MB. load {Load()}");

            var random = new Random(42);
            var writes = new double[samples];
            for (var i = -200; i < samples; i++) // 200 warm-up writes
            {
                var room = rooms[random.Next(rooms.Count)];
                var m = new ChatMessage(ids.Next(), room.Id, user.Id, user.Name, MessageKind.Text, Body(random), Guid.NewGuid().ToString("N"), [], DateTimeOffset.UtcNow);
                var t = Stopwatch.GetTimestamp();
                await store.Messages.AppendAsync(m, TimeSpan.FromMinutes(30));
                if (i >= 0) writes[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
            var reads = new double[samples];
            for (var i = -200; i < samples; i++)
            {
                var r = random.Next(rooms.Count);
                var cursor = roomIds[r][random.Next(100, roomIds[r].Count)].ToString(CultureInfo.InvariantCulture);
                var t = Stopwatch.GetTimestamp();
                var page = await store.Messages.HistoryAsync(rooms[r].Id, i % 10 == 0 ? null : cursor, 100);
                if (i >= 0) reads[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                if (page.Messages.Count != 100) throw new InvalidOperationException("a page came back short");
            }
            Console.WriteLine($"write (append + nonce, committed):  p50 {Pct(writes, 50):0.000} ms  p99 {Pct(writes, 99):0.000} ms  max {writes.Max():0.0} ms  (target p99 ≤ 5 ms)");
            Console.WriteLine($"history page of 100 at a cursor:    p50 {Pct(reads, 50):0.000} ms  p99 {Pct(reads, 99):0.000} ms  max {reads.Max():0.0} ms  (target p99 ≤ 15 ms)");
            Console.WriteLine($"{samples} samples each; load average after: {Load()}; {Environment.ProcessorCount} cores");
            return Pct(writes, 99) <= 5 && Pct(reads, 99) <= 15 ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    private static List<List<long>> Seed(string path, int total, List<RoomRecord> rooms, UserRecord user, SnowflakeIds ids)
    {
        var perRoom = rooms.Select(_ => new List<long>()).ToList();
        using var c = new SqliteConnection($"Data Source={path}");
        c.Open();
        using var tx = c.BeginTransaction();
        using var message = c.CreateCommand();
        message.Transaction = tx;
        message.CommandText = "INSERT INTO chat_messages (id, room_id, user_id, author, kind, body, nonce, mentions, created_at) VALUES ($id, $r, $u, 'bench', 0, $b, $n, '', $a)";
        using var nonce = c.CreateCommand();
        nonce.Transaction = tx;
        nonce.CommandText = "INSERT INTO chat_nonces (user_id, nonce, room_id, message_id, created_at) VALUES ($u, $n, $r, $id, $a)";
        string[] names = ["$id", "$r", "$u", "$b", "$n", "$a"];
        foreach (var cmd in new[] { message, nonce })
            foreach (var p in names) if (cmd.CommandText.Contains(p)) cmd.Parameters.Add(new SqliteParameter(p, null));
        var random = new Random(7);
        var at = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        for (var i = 0; i < total; i++)
        {
            var r = i % rooms.Count;
            var id = ids.Next();
            var n = "seed-" + i.ToString(CultureInfo.InvariantCulture);
            foreach (var cmd in new[] { message, nonce })
            {
                cmd.Parameters["$id"].Value = id;
                cmd.Parameters["$r"].Value = rooms[r].Id;
                cmd.Parameters["$u"].Value = user.Id;
                cmd.Parameters["$n"].Value = n;
                cmd.Parameters["$a"].Value = at + i;
            }
            message.Parameters["$b"].Value = Body(random);
            message.ExecuteNonQuery();
            nonce.ExecuteNonQuery();
            perRoom[r].Add(id);
        }
        tx.Commit();
        return perRoom;
    }

    private static string Body(Random random) => "a message of moderate length about the music " + random.Next(1_000_000) + new string('x', random.Next(0, 80));

    private static double Pct(double[] xs, int p)
    {
        var sorted = xs.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
