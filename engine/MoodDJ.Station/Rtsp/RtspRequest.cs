using System.Globalization;
using System.Text;

namespace MoodDJ.Station.Rtsp;

/// <summary>
/// One RTSP request (RFC 2326 §6): method, URL, CSeq, headers and body. Parsed from bytes that a
/// client sent, so every part is checked and a bad one becomes an <see cref="RtspException"/> with the
/// status to answer, never a crash.
/// </summary>
public sealed class RtspRequest
{
    private readonly Dictionary<string, string> _headers;

    private RtspRequest(string method, string url, int cseq, Dictionary<string, string> headers, string body)
    {
        Method = method;
        Url = url;
        CSeq = cseq;
        _headers = headers;
        Body = body;
    }

    public string Method { get; }
    public string Url { get; }
    public int CSeq { get; }
    public string Body { get; }

    public string? Header(string name) => _headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The path of <see cref="Url"/> (rtsp://host:port/path → /path), without a query.</summary>
    public string Path
    {
        get
        {
            if (Url == "*") return "*";
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("rtsp" or "rtspu" or "rtsps"))
                throw new RtspException(400, $"'{Url}' is not an rtsp:// URL");
            return Uri.UnescapeDataString(uri.AbsolutePath);
        }
    }

    /// <summary>Where the header block ends (the index just past CRLF CRLF), or -1 when it has not all arrived.</summary>
    public static int HeaderEnd(ReadOnlySpan<byte> data)
    {
        var end = data.IndexOf("\r\n\r\n"u8);
        return end < 0 ? -1 : end + 4;
    }

    /// <summary>The Content-Length the header block declares (0 without one).</summary>
    public static int ContentLength(ReadOnlySpan<byte> head, int maxBytes)
    {
        var text = Encoding.ASCII.GetString(head);
        foreach (var line in text.Split("\r\n"))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || !line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (!int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > maxBytes)
                throw new RtspException(413, $"Content-Length '{line[(colon + 1)..].Trim()}' is not a number up to {maxBytes}");
            return length;
        }
        return 0;
    }

    /// <summary>Parses a header block (ending in CRLF CRLF) and its body.</summary>
    public static RtspRequest Parse(ReadOnlySpan<byte> head, ReadOnlySpan<byte> body)
    {
        foreach (var b in head)
            if (b is 0 or > 127) throw new RtspException(400, "the request has a byte that is not ASCII text");
        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || requestLine[1].Length == 0)
            throw new RtspException(400, $"'{Shorten(lines[0])}' is not a request line (METHOD url RTSP/1.0)");
        if (requestLine[2] is not ("RTSP/1.0" or "RTSP/2.0"))
            throw new RtspException(505, $"'{Shorten(requestLine[2])}' is not RTSP/1.0");
        foreach (var c in requestLine[0])
            if (!char.IsAsciiLetterUpper(c) && c != '_') throw new RtspException(400, $"'{Shorten(requestLine[0])}' is not a method name");

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var colon = lines[i].IndexOf(':');
            if (colon <= 0) throw new RtspException(400, $"'{Shorten(lines[i])}' is not a header (Name: value)");
            headers[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
        }
        if (!headers.TryGetValue("CSeq", out var cseqText) || !int.TryParse(cseqText, NumberStyles.None, CultureInfo.InvariantCulture, out var cseq))
            throw new RtspException(400, "the request has no numeric CSeq header");
        return new RtspRequest(requestLine[0], requestLine[1], cseq, headers, Encoding.UTF8.GetString(body));
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>A request the server answers with an error status and a reason, then goes on serving.</summary>
public sealed class RtspException(int status, string reason) : Exception(reason)
{
    public int Status { get; } = status;
}
