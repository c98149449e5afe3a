using MoodDJ.Storage.Sql;

namespace MoodDJ.Storage;

/// <summary>The SQL implementation of <see cref="IMoodDJStore"/> for both databases; <see cref="OpenAsync"/> migrates at start.</summary>
public sealed class SqlStore : IMoodDJStore
{
    private readonly Database _db;

    private SqlStore(Database db)
    {
        _db = db;
        Users = new SqlUserStore(db);
        Sessions = new SqlSessionStore(db);
        Rooms = new SqlRoomStore(db);
        Messages = new SqlMessageStore(db);
        Events = new SqlEventLog(db);
        Listening = new SqlListeningLog(db);
        Hosted = new SqlHostedRoomStore(db);
    }

    public string Provider => _db.Dialect.Name;
    public IUserStore Users { get; }
    public ISessionStore Sessions { get; }
    public IRoomStore Rooms { get; }
    public IMessageStore Messages { get; }
    public IEventLog Events { get; }
    public IListeningLog Listening { get; }
    public IHostedRoomStore Hosted { get; }

    /// <summary>Opens the configured database and applies every pending migration before returning.</summary>
    public static async Task<SqlStore> OpenAsync(StorageOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        SqlDialect dialect = options.Provider == StorageOptions.Postgres
            ? new PostgresDialect(options.ConnectionString!)
            : new SqliteDialect(SqliteFile(options.DatabasePath));
        var db = new Database(dialect, options.WriteWait);
        try
        {
            await Migrations.RunAsync(db, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new SqlStore(db);
    }

    private static string SqliteFile(string path)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        return path;
    }

    public Task<IReadOnlyList<int>> SchemaVersionsAsync(CancellationToken cancellationToken = default) => Migrations.VersionsAsync(_db, cancellationToken);

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
