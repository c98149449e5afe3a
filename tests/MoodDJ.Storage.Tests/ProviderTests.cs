using Microsoft.Data.Sqlite;
using Npgsql;

namespace MoodDJ.Storage.Tests;

public sealed class SqliteStoreTests : StoreContractTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mooddj-sqlite-").FullName;

    protected override Task<StorageOptions> CreateOptionsAsync() =>
        Task.FromResult(new StorageOptions { Provider = StorageOptions.Sqlite, Path = Path.Combine(_dir, $"mooddj-{Guid.NewGuid():N}.db") });

    protected override async Task<int> ExecuteRawAsync(string sql)
    {
        await using var c = new SqliteConnection($"Data Source={Options.Path};Pooling=False");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class PostgresStoreTests : StoreContractTests
{
    protected override async Task<StorageOptions> CreateOptionsAsync()
    {
        var server = await PostgresServer.Shared;
        return new StorageOptions { Provider = StorageOptions.Postgres, ConnectionString = await server.CreateDatabaseAsync() };
    }

    protected override async Task<int> ExecuteRawAsync(string sql)
    {
        await using var c = new NpgsqlConnection(Options.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return await cmd.ExecuteNonQueryAsync();
    }
}
