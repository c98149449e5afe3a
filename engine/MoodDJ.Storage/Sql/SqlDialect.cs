using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MoodDJ.Storage.Sql;

/// <summary>What differs between the two databases: connecting, column types, transient failures, locking.</summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    public abstract string Name { get; }
    /// <summary>SQLite has one writer at a time: serialize writes in-process rather than spin on SQLITE_BUSY.</summary>
    public abstract bool SerializeWrites { get; }
    /// <summary>A primary key the database numbers itself.</summary>
    public abstract string AutoId { get; }
    public abstract string Blob { get; }
    /// <summary>Taken inside the migration transaction so that servers starting together migrate once.</summary>
    public abstract string MigrationLock { get; }
    /// <summary>Triggers that refuse UPDATE and DELETE on <paramref name="table"/>.</summary>
    public abstract string AppendOnly(string table);
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);
    public abstract bool IsTransient(Exception exception);
    /// <summary>After a transient failure: drop pooled connections that point at the old server process.</summary>
    public virtual void OnTransient() { }
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public string Expand(string sql) => sql.Replace("{autoid}", AutoId).Replace("{blob}", Blob);
}

internal sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _checkpointer;

    public SqliteDialect(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30,
        }.ToString();
    }

    public override string Name => StorageOptions.Sqlite;
    public override bool SerializeWrites => true;
    public override string AutoId => "INTEGER PRIMARY KEY AUTOINCREMENT";
    public override string Blob => "BLOB";
    public override string MigrationLock => "";

    public override string AppendOnly(string table) =>
        $"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;\n" +
        $"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL lets readers run beside the writer; NORMAL syncs at checkpoints, so a commit survives
        // a crash of the process (not of the machine's power) without an fsync per message.
        // Checkpoints run in the background (below), not inside whichever commit crosses the mark:
        // that commit used to wait for the fsyncs (a p99 write of 12 ms instead of well under 1 ms).
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _checkpointer ??= Task.Run(() => CheckpointAsync(_stopping.Token), CancellationToken.None);
        return connection;
    }

    private async Task CheckpointAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), stopping).ConfigureAwait(false);
                try
                {
                    await using var connection = new SqliteConnection(_connectionString);
                    await connection.OpenAsync(stopping).ConfigureAwait(false);
                    using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA busy_timeout=1000; PRAGMA wal_checkpoint(PASSIVE);";
                    await checkpoint.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }
                catch (SqliteException)
                {
                    // Busy or locked: the next round checkpoints; nothing is lost meanwhile (the WAL holds it).
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // A locked file is the only failure that goes away by itself.
    public override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED

    public override async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        if (_checkpointer is not null) await _checkpointer.ConfigureAwait(false);
        // A last full checkpoint folds the WAL into the database file before the file is let go.
        await using (var connection = new SqliteConnection(_connectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        SqliteConnection.ClearAllPools(); // release the file
        _stopping.Dispose();
    }
}

internal sealed class PostgresDialect(string connectionString) : SqlDialect
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    public override string Name => StorageOptions.Postgres;
    public override bool SerializeWrites => false;
    public override string AutoId => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
    public override string Blob => "BYTEA";
    public override string MigrationLock => "SELECT pg_advisory_xact_lock(725001);";

    public override string AppendOnly(string table) =>
        $"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$;\n" +
        $"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_append_only();";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg)
                // connection exceptions, shutting down / starting up, too many connections
                return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState == "53300";
            if (e is NpgsqlException { IsTransient: true } or SocketException or EndOfStreamException or IOException || e is TimeoutException)
                return true;
        }
        return false;
    }

    public override void OnTransient() => _source.Clear();

    public override ValueTask DisposeAsync() => _source.DisposeAsync();
}
