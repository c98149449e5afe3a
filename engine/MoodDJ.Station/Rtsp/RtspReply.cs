using System.Globalization;
using System.Text;

namespace MoodDJ.Station.Rtsp;

/// <summary>An RTSP response: status, headers and an optional body, written with CRLF line ends.</summary>
internal sealed class RtspReply
{
    private readonly List<(string Name, string Value)> _headers = [];

    public RtspReply(int status, string? body = null, string? contentType = null)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public int Status { get; }
    public string? Body { get; }
    public string? ContentType { get; }

    public RtspReply With(string name, string value)
    {
        _headers.Add((name, value));
        return this;
    }

    /// <summary>An error with its reason in a header and the body, so a human running ffmpeg -v debug reads why.</summary>
    public static RtspReply Error(int status, string reason) =>
        new RtspReply(status, reason + "\r\n", "text/plain").With("X-MoodDJ-Error", reason.Replace('\r', ' ').Replace('\n', ' '));

    public string Write(int? cseq)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"RTSP/1.0 {Status} {Phrase(Status)}\r\n");
        if (cseq is { } n) sb.Append(CultureInfo.InvariantCulture, $"CSeq: {n}\r\n");
        sb.Append("Server: MoodDJ\r\n");
        foreach (var (name, value) in _headers) sb.Append(name).Append(": ").Append(value).Append("\r\n");
        var body = Body is null ? null : Encoding.UTF8.GetBytes(Body);
        if (body is not null)
        {
            sb.Append("Content-Type: ").Append(ContentType ?? "text/plain").Append("\r\n");
            sb.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        }
        sb.Append("\r\n");
        if (Body is not null) sb.Append(Body);
        return sb.ToString();
    }

    private static string Phrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Request Entity Too Large",
        431 => "Request Header Fields Too Large",
        453 => "Not Enough Bandwidth",
        454 => "Session Not Found",
        455 => "Method Not Valid in This State",
        457 => "Invalid Range",
        459 => "Aggregate Operation Not Allowed",
        461 => "Unsupported Transport",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "RTSP Version Not Supported",
        _ => "Error",
    };
}
