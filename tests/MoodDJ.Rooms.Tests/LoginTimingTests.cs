using System.Diagnostics;
using MoodDJ.Rooms.Accounts;
using Xunit.Abstractions;

namespace MoodDJ.Rooms.Tests;

[CollectionDefinition("login timing", DisableParallelization = true)]
public sealed class LoginTimingCollection;

/// <summary>
/// Login timing, alone (no other test class runs beside it): a login for a user who does not exist
/// and one with a wrong password take the same time, within noise. The two are interleaved so that
/// load on a shared machine falls on both alike; medians, not means, so one descheduled run does not count.
/// </summary>
[Collection("login timing")]
public sealed class LoginTimingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TempStore _db = null!;

    public async Task InitializeAsync() => _db = await TempStore.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_missing_user_and_a_wrong_password_take_the_same_time_within_noise()
    {
        var accounts = new AccountService(_db.Store, new RoomsOptions { LoginFailuresPerAccount = 100, LoginAttemptsPerAddress = 100 }, new ListLogger());
        await accounts.RegisterAsync("judy", "long enough", "127.0.0.1");
        var missing = new List<double>();
        var wrong = new List<double>();
        for (var i = 0; i < 9; i++) // interleaved, so load on the machine falls on both alike
        {
            missing.Add(await TimeAsync(() => accounts.LoginAsync("no-such-user", "long enough", "127.0.0.1")));
            wrong.Add(await TimeAsync(() => accounts.LoginAsync("judy", "not the one", "127.0.0.1")));
        }
        double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
        var (m, w) = (Median(missing), Median(wrong));
        output.WriteLine($"median login: missing user {m:0.0} ms, wrong password {w:0.0} ms");
        Assert.True(m > 50, "PBKDF2 with 600,000 iterations takes far longer than 50 ms");
        // Noise: how far single logins stray from their own group's median (median absolute deviation).
        double Mad(List<double> xs, double median) => Median(xs.Select(x => Math.Abs(x - median)).ToList());
        var noise = Math.Max(Mad(missing, m), Mad(wrong, w));
        output.WriteLine($"difference {Math.Abs(m - w):0.0} ms; noise (MAD) {noise:0.0} ms");
        Assert.True(Math.Abs(m - w) <= Math.Max(0.2 * Math.Max(m, w), 3 * noise),
            $"missing user {m:0.0} ms vs wrong password {w:0.0} ms differ by more than 20 % and more than 3× the noise ({noise:0.0} ms)");
    }

    private static async Task<double> TimeAsync(Func<Task> login)
    {
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<RoomsException>(login);
        return clock.Elapsed.TotalMilliseconds;
    }

}
