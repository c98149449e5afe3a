using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Sources.Tests;

/// <summary>A real HTTP server on 127.0.0.1 serving fixed responses, for yt-dlp's generic extractor.</summary>
sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (int Status, string ContentType, byte[] Body)> _routes = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public LocalHttpServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // the port was taken between the probe and the bind: try another
            }
        }
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public void Serve(string path, byte[] body, string contentType, int status = 200) => _routes[path] = (status, contentType, body);

    public int Requests;

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref Requests);
            _ = Task.Run(async () =>
            {
                var response = context.Response;
                try
                {
                    if (_routes.TryGetValue(context.Request.Url!.AbsolutePath, out var route))
                    {
                        response.StatusCode = route.Status;
                        response.ContentType = route.ContentType;
                        response.ContentLength64 = route.Body.Length;
                        if (context.Request.HttpMethod != "HEAD")
                            await response.OutputStream.WriteAsync(route.Body);
                    }
                    else
                    {
                        response.StatusCode = 404;
                    }
                    response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
                {
                    // the client hung up (yt-dlp stopped reading): fine
                }
            });
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
