using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MoodDJ.Mood.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0) speaking the chat-completions shape. What it
/// answers is set per test: a good reading, garbage, an HTTP error, or nothing for a long time.
/// </summary>
internal sealed class ChatCompletionsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatCompletionsServer(WebApplication app) => _app = app;

    /// <summary>Returns (status, body, delay) for each request.</summary>
    public Func<(int Status, string Body, TimeSpan Delay)> Reply { get; set; } = () => (200, Completion("{}"), TimeSpan.Zero);

    public List<(string Path, string Body, string? Authorization)> Requests { get; } = [];

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<ChatCompletionsServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ChatCompletionsServer(app);
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (server.Requests)
                server.Requests.Add((http.Request.Path, body, http.Request.Headers.Authorization.FirstOrDefault()));
            var (status, reply, delay) = server.Reply();
            if (delay > TimeSpan.Zero)
            {
                try { await Task.Delay(delay, http.RequestAborted); }
                catch (OperationCanceledException) { return; }
            }
            http.Response.StatusCode = status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(reply);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>A chat-completions response whose message content is <paramref name="content"/>.</summary>
    public static string Completion(string content) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion",
        choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
    });

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
