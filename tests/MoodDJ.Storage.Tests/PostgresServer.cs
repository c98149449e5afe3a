using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MoodDJ.Storage.Tests;

/// <summary>
/// A real PostgreSQL for the tests, on 127.0.0.1 only. <see cref="Shared"/> is the one test.sh started
/// (MOODDJ_TEST_POSTGRES, a connection string), or else one this process starts itself from Debian's
/// postgresql binaries in a temporary folder (initdb + pg_ctl, as the postgres user when run as root),
/// so `dotnet test` alone works. Each test gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "MOODDJ_TEST_POSTGRES";
    private static readonly Lazy<Task<PostgresServer>> SharedServer = new(() => StartOrAttachAsync());
    private readonly string? _dataDir;
    private readonly string? _binDir;
    private readonly bool _asPostgresUser;

    private PostgresServer(string adminConnectionString, string? dataDir, string? binDir, bool asPostgresUser, int port)
    {
        AdminConnectionString = adminConnectionString;
        _dataDir = dataDir;
        _binDir = binDir;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public string AdminConnectionString { get; }
    public int Port { get; }

    public static Task<PostgresServer> Shared => SharedServer.Value;

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? Unavailable() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } || FindBin() is not null
            ? null
            : $"No PostgreSQL: set {EnvironmentVariable} to a connection string, or install Debian's postgresql (apt-get install -y postgresql; test.sh does).";

    private static Task<PostgresServer> StartOrAttachAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
            return Task.FromResult(new PostgresServer(external, null, null, false, new NpgsqlConnectionStringBuilder(external).Port));
        return StartSharedAsync();
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = await StartPrivateAsync(fsync: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }

    /// <summary>Starts a cluster of this test's own (which it may stop and start again).</summary>
    public static async Task<PostgresServer> StartPrivateAsync(bool fsync = true)
    {
        var bin = FindBin() ?? throw new InvalidOperationException(Unavailable());
        var asPostgres = Environment.UserName == "root";
        var dir = Directory.CreateTempSubdirectory("mooddj-pg-").FullName;
        if (asPostgres) await RunAsync("chown", ["postgres:postgres", dir]);
        var port = FreePort();
        var server = new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=5", dir, bin, asPostgres, port);
        await server.PgAsync("initdb", ["-D", dir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        File.AppendAllText(Path.Combine(dir, "postgresql.conf"),
            $"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{dir}'\nfsync = {(fsync ? "on" : "off")}\nmax_connections = 200\n");
        await server.StartAsync();
        return server;
    }

    public Task StartAsync() => PgAsync("pg_ctl", ["-D", _dataDir!, "-l", Path.Combine(_dataDir!, "log"), "-w", "-t", "60", "start"]);

    /// <summary>Stops the server (fast shutdown: open sessions are closed, committed data is checkpointed).</summary>
    public Task StopAsync() => PgAsync("pg_ctl", ["-D", _dataDir!, "-m", "fast", "-w", "stop"]);

    /// <summary>A fresh, empty database on this server; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var c = new NpgsqlConnection(AdminConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Timeout = 3 }.ToString();
    }

    private async Task PgAsync(string tool, string[] args)
    {
        var exe = Path.Combine(_binDir!, tool);
        if (_asPostgresUser) await RunAsync("runuser", ["-u", "postgres", "--", exe, .. args]);
        else await RunAsync(exe, args);
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/tmp" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}{await stdout}");
    }

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDir is null) return;
        NpgsqlConnection.ClearAllPools();
        try { await StopAsync(); } catch (InvalidOperationException) { /* already stopped */ }
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A fact that needs PostgreSQL; skips, with the reason, where none can run.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresServer.Unavailable() is { } reason) Skip = reason;
    }
}
