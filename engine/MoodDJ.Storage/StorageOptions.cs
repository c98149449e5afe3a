namespace MoodDJ.Storage;

/// <summary>The <c>storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>SQLite: the database file (relative to the user data folder when not rooted).</summary>
    public string Path { get; set; } = "mooddj.db";

    /// <summary>PostgreSQL: an Npgsql connection string (Host=127.0.0.1;Port=5432;Username=…;Database=…).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a call waits for an unreachable database to come back before it fails.</summary>
    public TimeSpan WriteWait { get; set; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (Provider is not (Sqlite or Postgres))
            throw new ArgumentException($"storage:provider is '{Provider}'; use '{Sqlite}' or '{Postgres}'.");
        if (Provider == Postgres && string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("storage:connectionString is empty; PostgreSQL needs one (Host=127.0.0.1;Port=5432;Username=mooddj;Database=mooddj).");
        if (Provider == Sqlite && string.IsNullOrWhiteSpace(Path))
            throw new ArgumentException("storage:path is empty; name the SQLite database file.");
        if (WriteWait < TimeSpan.Zero || WriteWait > TimeSpan.FromMinutes(10))
            throw new ArgumentException($"storage:writeWait is {WriteWait}; use 0 to 10 minutes.");
    }
}
