using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MoodDJ.Abstractions.Crypto;
using MoodDJ.Abstractions.Plugins;
using MoodDJ.Plugins.AeadCrypto;
using MoodDJ.Plugins.FernetCrypto;
using MoodDJ.Plugins.NoCrypto;

namespace MoodDJ.Crypto.Tests;

/// <summary>
/// The three crypto plugins' entry classes as the engine composes them: Register into a container
/// that holds the host configuration, then resolve by the name mooddj.json uses.
/// </summary>
public class CryptoPluginRegistrationTests
{
    private static ServiceProvider Compose(IMoodDJPlugin plugin, string id, string? stationKey)
    {
        var host = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["station:key"] = stationKey }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(host);
        plugin.Register(services, new PluginContext(id, AppContext.BaseDirectory, host.GetSection($"plugins:settings:{id}")));
        return services.BuildServiceProvider();
    }

    public static TheoryData<string, bool> Providers => new() { { "aead", true }, { "fernet", true }, { "none", false } };

    private static IMoodDJPlugin EntryFor(string id) => id switch
    {
        "aead" => new AeadCryptoPlugin(),
        "fernet" => new FernetCryptoPlugin(),
        _ => new NoCryptoPlugin(),
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_plugin_registers_its_provider_by_name_using_the_station_key(string id, bool encrypted)
    {
        using var services = Compose(EntryFor(id), id, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var crypto = services.GetRequiredKeyedService<ICryptoProvider>(id);
        Assert.Equal(encrypted, crypto.IsEncrypted);
        Assert.Contains(services.GetServices<PluginImplementation>(), i => i.Kind == PluginKind.Crypto && i.Name == id);

        var (client, server) = await Handshakes.ConnectAsync(crypto, crypto);
        var opened = server.Open(client.Seal("hello"u8.ToArray()));
        Assert.True(opened.Ok, opened.Error);
    }

    [Theory]
    [InlineData("aead")]
    [InlineData("fernet")]
    public void Without_a_key_creating_the_provider_fails_with_a_clear_message(string id)
    {
        using var services = Compose(EntryFor(id), id, null);
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredKeyedService<ICryptoProvider>(id));
        Assert.Contains("station:key", error.Message);
    }
}
