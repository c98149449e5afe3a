namespace MoodDJ.Storage;

/// <summary>The <c>storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";

    /// <summary><c>sqlite</c> (embedded default) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>SQLite: the database file; empty means $XDG_DATA_HOME/mooddj/mooddj.db (~/.local/share/mooddj/mooddj.db).</summary>
    public string Path { get; set; } = "";

    /// <summary>PostgreSQL: an Npgsql connection string (Host=127.0.0.1;Port=5432;Username=…;Database=…).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a call waits for an unreachable database to come back before it fails.</summary>
    public double WriteWaitSeconds { get; set; } = 5;

    public TimeSpan WriteWait => TimeSpan.FromSeconds(WriteWaitSeconds);

    /// <summary>The SQLite file: <see cref="Path"/>, or the default in the user's XDG data folder.</summary>
    public string DatabasePath => string.IsNullOrWhiteSpace(Path) ? DefaultPath() : Path;

    public static string DefaultPath()
    {
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrWhiteSpace(data))
            data = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return System.IO.Path.Combine(data, "mooddj", "mooddj.db");
    }

    public void Validate()
    {
        if (Provider is not (Sqlite or Postgres))
            throw new ArgumentException($"storage:provider is '{Provider}'; use '{Sqlite}' or '{Postgres}'.");
        if (Provider == Postgres && string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("storage:connectionString is empty; PostgreSQL needs one (Host=127.0.0.1;Port=5432;Username=mooddj;Database=mooddj).");
        if (WriteWaitSeconds is < 0 or > 600)
            throw new ArgumentException($"storage:writeWaitSeconds is {WriteWaitSeconds}; use 0 to 600.");
    }
}
