using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MoodDJ.Station.Tests.Station.Support;

/// <summary>A minimal RTSP client on a raw TCP socket, to send what ffmpeg would and what it never would.</summary>
internal sealed class RtspTestClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;
    private int _cseq;
    private readonly List<byte> _pending = [];

    public static async Task<RtspTestClient> ConnectAsync(IPEndPoint server)
    {
        var client = new RtspTestClient();
        await client._tcp.ConnectAsync(server);
        client._stream = client._tcp.GetStream();
        return client;
    }

    public sealed record Reply(int Status, Dictionary<string, string> Headers, string Body)
    {
        public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
        public string SessionId => Header("Session").Split(';')[0];
    }

    public Task<Reply> SendAsync(string method, string url, params string[] headers)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{method} {url} RTSP/1.0\r\nCSeq: {++_cseq}\r\n");
        foreach (var header in headers) text.Append(header).Append("\r\n");
        return SendRawAsync(text.Append("\r\n").ToString());
    }

    public async Task<Reply> SendRawAsync(string request)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        return await ReadReplyAsync();
    }

    /// <summary>True once the server has closed the connection (reads return 0).</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[256];
        try
        {
            while (true)
                if (await _stream.ReadAsync(buffer, limit.Token) == 0) return true;
        }
        catch (IOException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    private async Task<Reply> ReadReplyAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[4096];
        while (true)
        {
            var all = _pending.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(all, 0, end).Split("\r\n");
                var headers = head.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
                var length = headers.TryGetValue("Content-Length", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 0;
                if (all.Length >= end + 4 + length)
                {
                    _pending.RemoveRange(0, end + 4 + length);
                    return new Reply(int.Parse(head[0].Split(' ')[1], CultureInfo.InvariantCulture), headers, Encoding.UTF8.GetString(all, end + 4, length));
                }
            }
            var read = await _stream.ReadAsync(buffer, limit.Token);
            if (read == 0) throw new IOException("the server closed the connection before replying");
            _pending.AddRange(buffer.AsSpan(0, read));
        }
    }

    public void Dispose() => _tcp.Dispose();
}
