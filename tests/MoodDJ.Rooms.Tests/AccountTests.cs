using System.Text;
using MoodDJ.Rooms.Accounts;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Tests;

public sealed class AccountTests : IAsyncLifetime
{
    private TempStore _db = null!;
    private readonly ListLogger _log = new();
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync() => _db = await TempStore.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    private AccountService Accounts(RoomsOptions? options = null) => new(_db.Store, options ?? new RoomsOptions(), _log, _time);

    [Fact]
    public async Task Register_login_check_and_revoke_a_session()
    {
        var accounts = Accounts();
        var user = await accounts.RegisterAsync("alice", "correct horse", "127.0.0.1");
        var stored = (await _db.Store.Users.FindAsync("alice"))!;
        Assert.Equal(600_000, stored.Iterations);
        Assert.Equal(16, stored.Salt.Length);
        var login = await accounts.LoginAsync("ALICE", "correct horse", "127.0.0.1");
        Assert.Equal(user.Id, login.User.Id);
        Assert.Equal(43, login.Token.Length);
        Assert.Equal(user.Id, (await accounts.AuthenticateAsync(login.Token)).Id);
        await accounts.LogoutAsync(login.Token);
        var revoked = await Assert.ThrowsAsync<RoomsException>(() => accounts.AuthenticateAsync(login.Token));
        Assert.Equal(RoomsError.Unauthorized, revoked.Error);
        var events = (await _db.Store.Events.QueryAsync(null, null, 100)).Select(e => e.Kind);
        Assert.Equal([EventKinds.Register, EventKinds.Login, EventKinds.Logout], events);
    }

    [Fact]
    public async Task Two_users_with_one_password_get_different_salts_and_hashes()
    {
        var accounts = Accounts();
        await accounts.RegisterAsync("bob", "same password", "127.0.0.1");
        await accounts.RegisterAsync("carol", "same password", "127.0.0.1");
        var bob = (await _db.Store.Users.FindAsync("bob"))!;
        var carol = (await _db.Store.Users.FindAsync("carol"))!;
        Assert.NotEqual(bob.Salt, carol.Salt);
        Assert.NotEqual(bob.Hash, carol.Hash);
    }

    [Fact]
    public async Task Bad_names_passwords_and_duplicates_get_clear_errors()
    {
        var accounts = Accounts();
        await accounts.RegisterAsync("dave", "long enough", "127.0.0.1");
        Assert.Contains("taken", (await Refused(RoomsError.Taken, () => accounts.RegisterAsync("Dave", "long enough", "127.0.0.1"))).Message);
        Assert.Contains("limit is 32", (await Refused(RoomsError.Invalid, () => accounts.RegisterAsync(new string('x', 33), "long enough", "127.0.0.1"))).Message);
        await Refused(RoomsError.Invalid, () => accounts.RegisterAsync("a'; DROP TABLE users;--", "long enough", "127.0.0.1"));
        Assert.Contains("at least 8", (await Refused(RoomsError.Invalid, () => accounts.RegisterAsync("erin", "short", "127.0.0.1"))).Message);
        await Refused(RoomsError.Invalid, () => accounts.RegisterAsync(null, "long enough", "127.0.0.1"));
    }

    [Fact]
    public async Task Forged_malformed_and_expired_tokens_are_refused_alike()
    {
        var accounts = Accounts(new RoomsOptions { SessionHours = 1 });
        await accounts.RegisterAsync("frank", "long enough", "127.0.0.1");
        var login = await accounts.LoginAsync("frank", "long enough", "127.0.0.1");
        foreach (var token in new[] { "", "x", new string('A', 43), login.Token[..42] + (login.Token[42] == 'A' ? 'B' : 'A'), Flip(login.Token, 42, 1), Flip(login.Token, 10, 1), "'; DROP TABLE sessions; --", null })
            Assert.Contains("log in again", (await Refused(RoomsError.Unauthorized, () => accounts.AuthenticateAsync(token))).Message);
        await accounts.AuthenticateAsync(login.Token);
        _time.Advance(TimeSpan.FromHours(1.01));
        await Refused(RoomsError.Unauthorized, () => accounts.AuthenticateAsync(login.Token));
    }

    [Fact]
    public async Task Failed_logins_lock_the_account_for_the_window_and_a_success_resets_the_count()
    {
        var accounts = Accounts(new RoomsOptions { LoginFailuresPerAccount = 3, LoginAttemptsPerAddress = 100, LoginWindowSeconds = 60 });
        await accounts.RegisterAsync("grace", "long enough", "10.0.0.1");
        await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync("grace", "wrong one", "10.0.0.1"));
        await accounts.LoginAsync("grace", "long enough", "10.0.0.1"); // resets
        for (var i = 0; i < 3; i++) await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync("grace", "wrong one", $"10.0.0.{i + 2}"));
        var locked = await Refused(RoomsError.RateLimited, () => accounts.LoginAsync("grace", "long enough", "10.0.0.9"));
        Assert.Contains("locked", locked.Message);
        Assert.InRange(locked.RetryAfter!.Value.TotalSeconds, 1, 60);
        _time.Advance(TimeSpan.FromSeconds(61));
        await accounts.LoginAsync("grace", "long enough", "10.0.0.9");
    }

    [Fact]
    public async Task One_address_gets_a_limited_number_of_attempts_across_accounts()
    {
        var accounts = Accounts(new RoomsOptions { LoginFailuresPerAccount = 100, LoginAttemptsPerAddress = 4, LoginWindowSeconds = 60 });
        for (var i = 0; i < 4; i++) await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync($"nobody{i}", "guess guess", "192.0.2.7"));
        var limited = await Refused(RoomsError.RateLimited, () => accounts.LoginAsync("nobody9", "guess guess", "192.0.2.7"));
        Assert.Contains("192.0.2.7", limited.Message);
        await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync("nobody9", "guess guess", "192.0.2.8")); // another address is not held back
        _time.Advance(TimeSpan.FromSeconds(61));
        await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync("nobody9", "guess guess", "192.0.2.7"));
    }

    [Fact]
    public async Task No_password_in_plain_text_in_the_database_file_or_the_log()
    {
        const string Password = "Zebra-Plaintext-93817!";
        const string Wrong = "Wrong-Plaintext-55120?";
        var accounts = Accounts();
        await accounts.RegisterAsync("henry", Password, "127.0.0.1");
        await accounts.LoginAsync("henry", Password, "127.0.0.1");
        await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync("henry", Wrong, "127.0.0.1"));
        await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync("ghost", Wrong, "127.0.0.1"));
        await Refused(RoomsError.Unauthorized, () => accounts.LoginAsync(Password, Password, "127.0.0.1"));   // the password typed as the name too
        await Refused(RoomsError.Invalid, () => accounts.RegisterAsync("ivy", "tiny", "127.0.0.1"));

        var text = string.Join('\n', _log.Lines) + '\n' +
            string.Join('\n', (await _db.Store.Events.QueryAsync(null, null, 1000)).Select(e => $"{e.Kind} {e.User} {e.Detail}"));
        Assert.Contains("henry", text);
        Assert.Contains("unknown user #", text);   // the failed names are there, but only as hashes
        var files = Directory.GetFiles(_db.Dir).Select(File.ReadAllBytes).ToList(); // the db, and its -wal and -shm
        Assert.NotEmpty(files);
        foreach (var secret in new[] { Password, Wrong, Password[..12] })
        {
            Assert.DoesNotContain(secret, text);
            foreach (var bytes in files)
            {
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)));
            }
        }
    }

    private static async Task<RoomsException> Refused(RoomsError error, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RoomsException>(call);
        Assert.Equal(error, ex.Error);
        return ex;
    }

    // Flips one bit of the 6-bit value a base64url character stands for. At index 42 bit 1 is one of the
    // two unused bits, so the flipped token decodes to the same bytes and only the canonical check refuses it.
    private static string Flip(string token, int index, int bit)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var chars = token.ToCharArray();
        chars[index] = Alphabet[Alphabet.IndexOf(chars[index]) ^ bit];
        return new string(chars);
    }
}
