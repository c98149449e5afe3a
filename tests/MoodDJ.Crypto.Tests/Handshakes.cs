using MoodDJ.Abstractions.Crypto;

namespace MoodDJ.Crypto.Tests;

internal static class Handshakes
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Runs both sides of a handshake concurrently; returns both results (or exceptions).</summary>
    public static async Task<(Task<ISecureChannel> Client, Task<ISecureChannel> Server)> RunAsync(
        ICryptoProvider clientProvider, ICryptoProvider serverProvider,
        MemoryHandshakeTransport? client = null, MemoryHandshakeTransport? server = null)
    {
        if (client is null || server is null)
            (client, server) = MemoryHandshakeTransport.CreatePair();
        using var cts = new CancellationTokenSource(Generous);
        var c = Task.Run(async () =>
        {
            try { return await clientProvider.HandshakeAsync(client, HandshakeRole.Client, cts.Token); }
            finally { client.Close(); }
        });
        var s = Task.Run(async () =>
        {
            try { return await serverProvider.HandshakeAsync(server, HandshakeRole.Server, cts.Token); }
            finally { server.Close(); }
        });
        try { await Task.WhenAll(c, s); } catch { /* inspected by the caller */ }
        return (c, s);
    }

    public static async Task<(ISecureChannel Client, ISecureChannel Server)> ConnectAsync(ICryptoProvider clientProvider, ICryptoProvider serverProvider)
    {
        var (c, s) = await RunAsync(clientProvider, serverProvider);
        return (await c, await s);
    }

    public static byte[] Seal(this ISecureChannel channel, byte[] plaintext)
    {
        var buffer = new byte[plaintext.Length + channel.Overhead];
        return buffer[..channel.Seal(plaintext, buffer)];
    }

    public static (bool Ok, byte[] Plaintext, string? Error) Open(this ISecureChannel channel, byte[] sealedFrame)
    {
        var buffer = new byte[sealedFrame.Length];
        var ok = channel.TryOpen(sealedFrame, buffer, out var written, out var error);
        return (ok, buffer[..written], error);
    }
}
