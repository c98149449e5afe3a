using System.Data.Common;
using System.Diagnostics;

namespace MoodDJ.Storage.Sql;

/// <summary>
/// Runs reads and writes on fresh (pooled) connections. A transient failure (the database went away,
/// is restarting, or is busy) is retried with backoff for up to the write wait, then surfaces as
/// <see cref="StorageUnavailableException"/>. A write is acknowledged only after its commit returned.
/// </summary>
internal sealed class Database(SqlDialect dialect, TimeSpan wait) : IAsyncDisposable
{
    private readonly SemaphoreSlim? _writeGate = dialect.SerializeWrites ? new SemaphoreSlim(1, 1) : null;
    private DbConnection? _writer;
    private volatile bool _closed;

    public SqlDialect Dialect => dialect;

    public Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            ThrowIfClosed();
            await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }, cancellationToken);

    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            ThrowIfClosed();
            if (_writeGate is null)
            {
                await using var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
                return await InTransactionAsync(connection, work, cancellationToken).ConfigureAwait(false);
            }
            // One writer at a time (SQLite): it keeps its connection, so a write does not pay for an open.
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Checked again under the gate: a write that queued behind the closing one must not reopen the file.
                ThrowIfClosed();
                _writer ??= await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
                return await InTransactionAsync(_writer, work, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
                throw;
            }
            finally
            {
                _writeGate.Release();
            }
        }, cancellationToken);

    private static async Task<T> InTransactionAsync<T>(DbConnection connection, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<T> RetryAsync<T>(Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (Exception ex) when (dialect.IsTransient(ex))
            {
                dialect.OnTransient();
                if (clock.Elapsed + delay > wait)
                    throw new StorageUnavailableException(
                        $"The {dialect.Name} database is unreachable ({ex.Message.Split('\n')[0]}); gave up after {clock.Elapsed.TotalSeconds:0.0} s. " +
                        "This request was not stored; try again once the database is back.", ex);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    /// <summary>
    /// Waits for the write in progress, then closes. Later calls fail at once with
    /// <see cref="ObjectDisposedException"/>; before, a write queued behind the closing one waited forever
    /// on the gate, and a server whose sessions still left rooms while shutting down never finished stopping.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed) return;
        _closed = true;
        if (_writeGate is not null) await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
            await dialect.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate?.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed) throw new ObjectDisposedException($"{dialect.Name} database", $"The {dialect.Name} database is closed: the server is stopping.");
    }
}

/// <summary>Small ADO.NET helpers: by-name parameters (@name works on both databases), typed reads.</summary>
internal static class Db
{
    public static DbCommand Command(this DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<List<T>> QueryAsync<T>(this DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> map,
        CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(map(reader));
        return rows;
    }

    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
    public static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    public static string? NullableString(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static string Key(string name) => name.ToLowerInvariant();
}
