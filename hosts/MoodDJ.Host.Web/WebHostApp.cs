using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MoodDJ.Hosting;
using MoodDJ.Hosting.Configuration;
using MoodDJ.Host.Web.Audio;
using MoodDJ.Host.Web.Live;
using MoodDJ.Host.Web.Peers;
using MoodDJ.Host.Web.Stations;

namespace MoodDJ.Host.Web;

/// <summary>
/// Composes the web host: MoodDJ's configuration and plugin engine (as the console host does),
/// the station link (in-process or remote), the page hub, and ASP.NET Core serving wwwroot, the
/// page's WebSocket (/ws), each listening browser's audio WebSocket (/audio) and each talking browser's
/// microphone WebSocket (/talk).
/// </summary>
public static class WebHostApp
{
    /// <summary>
    /// Builds the app from command-line arguments: <c>--config FILE</c>, <c>--urls URL</c> (same as
    /// <c>--web:urls=URL</c>) and any <c>--section:key=value</c>.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var (configPath, settings) = WebArguments.Split(args);
        var configuration = MoodDJConfiguration.Build(configPath, settings);
        var web = WebOptions.From(configuration);
        if (!web.IsRemote)
        {
            var local = new List<string>();
            // The station and the host's client share this process: a throw-away key (URL-safe, so
            // aead and fernet both take it) gives encryption with no setup, as `mooddj demo` does.
            if (string.IsNullOrWhiteSpace(configuration["station:key"]))
                local.Add($"--station:key={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_')}");
            // Every browser listens through the host's one control session: allow a party, not 8.
            if (string.IsNullOrWhiteSpace(configuration["station:maxListenersPerSession"]))
                local.Add("--station:maxListenersPerSession=256");
            if (local.Count > 0)
                configuration = MoodDJConfiguration.Build(configPath, [.. local, .. settings]);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None); // a failed start is Program.cs's one line

        var services = builder.Services;
        services.AddSingleton(web);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(sp => MoodDJEngine.Start(configuration, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IStationLink>(sp => web.IsRemote
            ? new RemoteStationLink(sp.GetRequiredService<MoodDJEngine>(), web, sp.GetRequiredService<ILoggerFactory>())
            : new LocalStationLink(sp.GetRequiredService<MoodDJEngine>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<BrowserListeners>();
        services.AddSingleton<ServerSpeakers>();
        services.AddSingleton<BrowserTalk>();
        services.AddSingleton<P2PAudio>();
        services.AddSingleton<MeshPeerPanel>();
        services.AddSingleton<IPeerPanel>(sp => sp.GetRequiredService<MeshPeerPanel>());
        services.AddSingleton<PageDirectory>();
        services.AddSingleton<PageHub>();
        services.AddSingleton<PageCommands>();
        services.AddHostedService<StationService>();

        var app = builder.Build();
        foreach (var url in web.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            app.Urls.Add(url);
        // The engine starts here, so a configuration or plugin error stops the host before it listens.
        _ = app.Services.GetRequiredService<MoodDJEngine>();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.Map("/ws", (HttpContext http, PageHub hub, PageCommands commands, IHostApplicationLifetime life) =>
            Upgrade(http, socket => hub.ServeAsync(socket, commands, life.ApplicationStopping)));
        app.Map("/audio", (HttpContext http, BrowserListeners listeners, IHostApplicationLifetime life) =>
            Upgrade(http, socket => listeners.RunAsync(socket, http.Request.Query["name"], http.Request.Query["page"], life.ApplicationStopping)));
        app.Map("/talk", (HttpContext http, BrowserTalk talk, IHostApplicationLifetime life) =>
            Upgrade(http, socket => talk.RunAsync(socket, life.ApplicationStopping)));
        app.MapGet("/healthz", (IStationLink link) => Results.Text(link.Client.State.ToString()));
        return app;
    }

    private static async Task Upgrade(HttpContext http, Func<WebSocket, Task> serve)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("This address takes a WebSocket.");
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        await serve(socket);
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }
}

/// <summary>Starts the station link before the host listens, runs the hub, and stops them in order.</summary>
internal sealed class StationService(IStationLink link, PageHub hub, ServerSpeakers speakers, MeshPeerPanel peers, MoodDJEngine engine) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _hub;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await link.StartAsync(cancellationToken);
        _hub = hub.RunAsync(_stop.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stop.Cancel();
        if (_hub is not null) await _hub;
        await speakers.DisposeAsync();
        await peers.DisposeAsync();
        await link.DisposeAsync();
        await engine.DisposeAsync();
    }
}
