using System.Net;
using System.Net.Sockets;

namespace MoodDJ.Plugins.YouTube;

/// <summary>
/// Before a search, checks within a second or two that yt-dlp can reach the host it would talk to
/// (the proxy, the configured URL's host, or YouTube): with no network, yt-dlp itself would stall on
/// DNS and socket timeouts for half a minute, and the listeners would hear nothing meanwhile.
/// </summary>
internal static class NetworkProbe
{
    /// <summary>Null when a TCP connection to the host could be made in time; otherwise why not.</summary>
    public static async Task<string?> CannotReachAsync(string? proxy, string query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (host, port, what) = Target(proxy, query);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{what} {host}:{port} did not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (SocketException e)
        {
            return $"{what} {host}:{port}: {e.Message}";
        }
    }

    /// <summary>Whether the tool can be found at all (if not, running it says how to install it: that comes first).</summary>
    public static bool OnPath(string executable)
    {
        if (executable.Contains('/')) return File.Exists(executable);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, executable)));
    }

    private static (string Host, int Port, string What) Target(string? proxy, string query)
    {
        if (!string.IsNullOrWhiteSpace(proxy) && Uri.TryCreate(proxy, UriKind.Absolute, out var p))
            return (p.Host, p.Port > 0 ? p.Port : 1080, "proxy");
        if (Uri.TryCreate(query, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
            return (u.Host, u.Port, "host");
        return ("www.youtube.com", 443, "host");
    }
}
