using System.Reflection;
using System.Runtime.Loader;
using System.Security.Cryptography;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Plugins;

namespace MoodDJ.Bench;

/// <summary>
/// Per-frame cost of the crypto plugins' Seal + TryOpen on one control frame, loaded from the built
/// plugin folder as a host loads them. `dotnet run -c Release --project bench/MoodDJ.Bench -- --filter '*CryptoSealOpen*'`
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CryptoBenchConfig))]
public class CryptoSealOpenBenchmarks
{
    private ISecureChannel _client = null!;
    private ISecureChannel _server = null!;
    private byte[] _plaintext = null!;
    private byte[] _sealed = null!;
    private byte[] _opened = null!;

    [Params("aead", "fernet")]
    public string Provider { get; set; } = "aead";

    [Params(64, 882)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var provider = CryptoPluginLoader.Load(Provider);
        (_client, _server) = CryptoPluginLoader.ConnectAsync(provider).GetAwaiter().GetResult();
        _plaintext = RandomNumberGenerator.GetBytes(Bytes);
        _sealed = new byte[Bytes + _client.Overhead];
        _opened = new byte[Bytes];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Benchmark]
    public int SealAndOpen()
    {
        var n = _client.Seal(_plaintext, _sealed);
        if (!_server.TryOpen(_sealed.AsSpan(0, n), _opened, out var written, out var error))
            throw new InvalidOperationException(error);
        return written;
    }
}

/// <summary>Loads a crypto plugin from the plugin folder (bench output or artifacts/plugins) through its entry class.</summary>
internal static class CryptoPluginLoader
{
    private static readonly Dictionary<string, string> Assemblies = new()
    {
        ["aead"] = "MoodDJ.Plugins.AeadCrypto.dll",
        ["fernet"] = "MoodDJ.Plugins.FernetCrypto.dll",
        ["none"] = "MoodDJ.Plugins.NoCrypto.dll",
    };

    public static ICryptoProvider Load(string id)
    {
        var path = FindPluginAssembly(id, Assemblies[id]);
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        var entry = assembly.GetTypes().Single(t => t is { IsClass: true, IsAbstract: false } && typeof(IMoodDJPlugin).IsAssignableFrom(t));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["station:key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        ((IMoodDJPlugin)Activator.CreateInstance(entry)!).Register(services, new PluginContext(id, Path.GetDirectoryName(path)!, configuration.GetSection($"plugins:settings:{id}")));
        return services.BuildServiceProvider().GetRequiredKeyedService<ICryptoProvider>(id);
    }

    public static async Task<(ISecureChannel Client, ISecureChannel Server)> ConnectAsync(ICryptoProvider provider)
    {
        var toServer = Channel.CreateUnbounded<byte[]>();
        var toClient = Channel.CreateUnbounded<byte[]>();
        var client = provider.HandshakeAsync(new Pipe(toClient.Reader, toServer.Writer), HandshakeRole.Client).AsTask();
        var server = provider.HandshakeAsync(new Pipe(toServer.Reader, toClient.Writer), HandshakeRole.Server).AsTask();
        return (await client, await server);
    }

    private static string FindPluginAssembly(string id, string file)
    {
        var candidate = Path.Combine(AppContext.BaseDirectory, "plugins", id, file);
        if (File.Exists(candidate)) return candidate;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidate = Path.Combine(dir.FullName, "artifacts", "plugins", id, file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Plugin '{id}' not found; build the solution first (dotnet build).", file);
    }

    private sealed class Pipe(ChannelReader<byte[]> inbox, ChannelWriter<byte[]> outbox) : IHandshakeTransport
    {
        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) =>
            outbox.WriteAsync(message.ToArray(), cancellationToken);

        public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) =>
            await inbox.ReadAsync(cancellationToken);
    }
}
