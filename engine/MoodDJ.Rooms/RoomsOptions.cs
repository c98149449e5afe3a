namespace MoodDJ.Rooms;

/// <summary>The <c>rooms</c> configuration section: accounts, chat limits, this server's Snowflake node, and hosted rooms.</summary>
public sealed class RoomsOptions
{
    public const int MinIterations = 600_000;

    /// <summary>Whether `mooddj server` offers rooms, accounts and chat (and opens the storage) at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>PBKDF2-SHA256 iterations for new passwords (at least 600,000, OWASP 2023).</summary>
    public int PasswordIterations { get; set; } = MinIterations;
    public int PasswordMinLength { get; set; } = 8;
    /// <summary>A session token is good for this long after login.</summary>
    public double SessionHours { get; set; } = 24 * 7;
    /// <summary>Failed logins of one account within the window before it is locked for the rest of the window.</summary>
    public int LoginFailuresPerAccount { get; set; } = 5;
    /// <summary>Login and register attempts from one address within the window.</summary>
    public int LoginAttemptsPerAddress { get; set; } = 20;
    public double LoginWindowSeconds { get; set; } = 300;
    /// <summary>Longest chat message, in characters.</summary>
    public int MaxMessageLength { get; set; } = 2000;
    /// <summary>Per user: messages that may be sent at once, refilled at <see cref="MessagesPerSecond"/>.</summary>
    public int MessageBurst { get; set; } = 10;
    public double MessagesPerSecond { get; set; } = 2;
    /// <summary>A repeated client id (nonce) is dropped for this long (Matrix keeps transaction ids 30 minutes).</summary>
    public double NonceWindowMinutes { get; set; } = 30;
    /// <summary>This server's Snowflake node (0–1023); each server sharing one database needs its own.</summary>
    public int Node { get; set; }
    /// <summary>Room stations (each room's own mood, queue and stream) that may run at once; 0: rooms have chat only.</summary>
    public int MaxRoomStations { get; set; } = 8;
    /// <summary>A room station with nobody in the room and nobody listening stops after this long; 0: only when another room needs its place.</summary>
    public double IdleStationSeconds { get; set; } = 300;
    /// <summary>Central side: rooms one user may host on their own server and list here; 0: this server lists none.</summary>
    public int MaxHostedRoomsPerUser { get; set; } = 3;
    /// <summary>Most messages in one hostedPush or hostedPull (each side uses the smaller of its own and the other's).</summary>
    public int SyncBatch { get; set; } = 200;
    /// <summary>
    /// Synced messages (from a hosted room's other server) shown one by one to a room's present sessions
    /// per second; beyond it they get one <c>roomHistoryGrew</c> instead. 0: always that notice.
    /// </summary>
    public int CatchUpLiveMessages { get; set; } = 20;
    /// <summary>Hosting side: the central server this one lists its rooms on (<c>rooms:central</c>).</summary>
    public Hosted.CentralOptions Central { get; set; } = new();

    public TimeSpan SessionLifetime => TimeSpan.FromHours(SessionHours);
    public TimeSpan LoginWindow => TimeSpan.FromSeconds(LoginWindowSeconds);
    public TimeSpan NonceWindow => TimeSpan.FromMinutes(NonceWindowMinutes);

    public void Validate()
    {
        Check(PasswordIterations >= MinIterations && PasswordIterations <= 10_000_000, $"rooms:passwordIterations is {PasswordIterations}; use {MinIterations} to 10000000.");
        Check(PasswordMinLength is >= 8 and <= 128, $"rooms:passwordMinLength is {PasswordMinLength}; use 8 to 128.");
        Check(SessionHours is > 0 and <= 24 * 365, $"rooms:sessionHours is {SessionHours}; use more than 0, at most 8760.");
        Check(LoginFailuresPerAccount is >= 1 and <= 1000, $"rooms:loginFailuresPerAccount is {LoginFailuresPerAccount}; use 1 to 1000.");
        Check(LoginAttemptsPerAddress is >= 1 and <= 100_000, $"rooms:loginAttemptsPerAddress is {LoginAttemptsPerAddress}; use 1 to 100000.");
        Check(LoginWindowSeconds is >= 1 and <= 86_400, $"rooms:loginWindowSeconds is {LoginWindowSeconds}; use 1 to 86400.");
        Check(MaxMessageLength is >= 1 and <= 16_000, $"rooms:maxMessageLength is {MaxMessageLength}; use 1 to 16000.");
        Check(MessageBurst is >= 1 and <= 10_000, $"rooms:messageBurst is {MessageBurst}; use 1 to 10000.");
        Check(MessagesPerSecond is > 0 and <= 10_000, $"rooms:messagesPerSecond is {MessagesPerSecond}; use more than 0, at most 10000.");
        Check(NonceWindowMinutes is >= 30 and <= 7 * 24 * 60, $"rooms:nonceWindowMinutes is {NonceWindowMinutes}; use 30 to 10080.");
        Check(Node is >= 0 and <= 1023, $"rooms:node is {Node}; use 0 to 1023.");
        Check(MaxRoomStations is >= 0 and <= 256, $"rooms:maxRoomStations is {MaxRoomStations}; use 0 to 256.");
        Check(IdleStationSeconds is 0 or (>= 1 and <= 86_400), $"rooms:idleStationSeconds is {IdleStationSeconds}; use 0 (never) or 1 to 86400.");
        Check(MaxHostedRoomsPerUser is >= 0 and <= 1000, $"rooms:maxHostedRoomsPerUser is {MaxHostedRoomsPerUser}; use 0 to 1000.");
        Check(SyncBatch is >= 1 and <= 1000, $"rooms:syncBatch is {SyncBatch}; use 1 to 1000.");
        Check(CatchUpLiveMessages is >= 0 and <= 200, $"rooms:catchUpLiveMessages is {CatchUpLiveMessages}; use 0 (always one roomHistoryGrew) to 200 " +
            "(a member's client is dropped as a slow reader when it falls 256 notifications behind).");
        Central.Validate();
    }

    private static void Check(bool ok, string message)
    {
        if (!ok) throw new ArgumentException(message);
    }
}
