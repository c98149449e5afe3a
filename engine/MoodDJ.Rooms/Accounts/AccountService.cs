using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MoodDJ.Storage;

namespace MoodDJ.Rooms.Accounts;

/// <summary>A logged-in session: the token is shown to the client once and stored only as its SHA-256.</summary>
public sealed record LoginResult(string Token, UserRecord User, DateTimeOffset ExpiresAt);

/// <summary>
/// Register, log in, check and revoke session tokens. A login for a name that does not exist still
/// runs PBKDF2 (against a dummy hash made at start), so its time does not tell whether the user
/// exists; both failures give the same message. Passwords never reach the log or the event log.
/// </summary>
public sealed class AccountService
{
    private readonly IMoodDJStore _store;
    private readonly RoomsOptions _options;
    private readonly PasswordHasher _hasher;
    private readonly LoginThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Task<(byte[] Salt, byte[] Hash)> _dummy;

    public AccountService(IMoodDJStore store, RoomsOptions options, ILogger log, TimeProvider? time = null)
    {
        options.Validate();
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _log = log;
        _hasher = new PasswordHasher(options.PasswordIterations);
        _throttle = new LoginThrottle(options.LoginFailuresPerAccount, options.LoginAttemptsPerAddress, options.LoginWindow, _time);
        // Made in the background so that a server starts at once; a login waits for it (once) if early.
        _dummy = Task.Run(() => _hasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));
    }

    public async Task<UserRecord> RegisterAsync(string? name, string? password, string address, CancellationToken cancellationToken = default)
    {
        name = NameRules.User(name);
        password = NameRules.Password(password, _options.PasswordMinLength);
        _throttle.Admit(Key(name), address);
        var (salt, hash) = _hasher.Hash(password);
        var user = await _store.Users.TryCreateAsync(name, salt, hash, _hasher.Iterations, cancellationToken).ConfigureAwait(false)
            ?? throw new RoomsException(RoomsError.Taken, $"The user name '{name}' is taken; choose another.");
        await _store.Events.AppendAsync(EventKinds.Register, null, user.Name, $"from {address}", cancellationToken).ConfigureAwait(false);
        _log.LogInformation("Registered user '{User}' from {Address}.", user.Name, address);
        return user;
    }

    public async Task<LoginResult> LoginAsync(string? name, string? password, string address, CancellationToken cancellationToken = default)
    {
        // Shape errors first: they say nothing about which users exist.
        if (string.IsNullOrEmpty(name) || name.Length > NameRules.MaxUserName) throw new RoomsException(RoomsError.Invalid, "A user name (at most 32 characters) is required.");
        if (string.IsNullOrEmpty(password) || password.Length > NameRules.MaxPassword) throw new RoomsException(RoomsError.Invalid, "A password is required.");
        var key = Key(name);
        _throttle.Admit(key, address);
        var user = await _store.Users.FindAsync(name, cancellationToken).ConfigureAwait(false);
        var dummy = await _dummy.ConfigureAwait(false);
        var ok = user is null
            ? PasswordHasher.Verify(password, dummy.Salt, dummy.Hash, _hasher.Iterations) && false
            : PasswordHasher.Verify(password, user.Salt, user.Hash, user.Iterations);
        if (!ok)
        {
            _throttle.Failed(key);
            // A name that is nobody's may be a password typed into the wrong field: it is logged only as a
            // short hash, which still shows one name tried again and again.
            var who = user is null ? UnknownName(name) : user.Name;
            await _store.Events.AppendAsync(EventKinds.LoginFailed, null, who, $"from {address}", cancellationToken).ConfigureAwait(false);
            _log.LogInformation("Failed login as '{User}' from {Address}.", who, address);
            throw new RoomsException(RoomsError.Unauthorized, "Wrong user name or password.");
        }
        _throttle.Succeeded(key);
        var token = RandomNumberGenerator.GetBytes(32);
        var now = _time.GetUtcNow();
        var expires = now + _options.SessionLifetime;
        await _store.Sessions.CreateAsync(new SessionRecord(SHA256.HashData(token), user!.Id, now, expires, false), cancellationToken).ConfigureAwait(false);
        await _store.Events.AppendAsync(EventKinds.Login, null, user.Name, $"from {address}", cancellationToken).ConfigureAwait(false);
        _log.LogInformation("User '{User}' logged in from {Address}.", user.Name, address);
        return new LoginResult(Base64Url(token), user, expires);
    }

    /// <summary>The user a token belongs to; refuses an unknown, forged, expired or revoked token with one message.</summary>
    public async Task<UserRecord> AuthenticateAsync(string? token, CancellationToken cancellationToken = default)
    {
        var refused = new RoomsException(RoomsError.Unauthorized, "The session token is unknown, expired or revoked; log in again.");
        if (TokenHash(token) is not { } hash) throw refused;
        var session = await _store.Sessions.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        if (session is null || session.Revoked || session.ExpiresAt <= _time.GetUtcNow()) throw refused;
        return await _store.Users.FindAsync(session.UserId, cancellationToken).ConfigureAwait(false) ?? throw refused;
    }

    public async Task LogoutAsync(string? token, CancellationToken cancellationToken = default)
    {
        var user = await AuthenticateAsync(token, cancellationToken).ConfigureAwait(false);
        await _store.Sessions.RevokeAsync(TokenHash(token)!, cancellationToken).ConfigureAwait(false);
        await _store.Events.AppendAsync(EventKinds.Logout, null, user.Name, "session revoked", cancellationToken).ConfigureAwait(false);
    }

    private static byte[]? TokenHash(string? token)
    {
        if (token is null || token.Length != 43) return null;
        var bytes = new byte[32];
        var base64 = token.Replace('-', '+').Replace('_', '/') + "=";
        // The 43rd character carries two unused bits: without the canonical check, four spellings
        // of one token would all be accepted.
        return Convert.TryFromBase64String(base64, bytes, out var n) && n == 32 && Base64Url(bytes) == token
            ? SHA256.HashData(bytes) : null;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Key(string name) => name.ToLowerInvariant();

    private static string UnknownName(string name) =>
        "unknown user #" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key(name))).AsSpan(0, 4));
}
