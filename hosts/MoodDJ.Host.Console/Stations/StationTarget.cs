using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Configuration;
using MoodDJ.Client;

namespace MoodDJ.Host.Console.Stations;

/// <summary>
/// The options every command that talks to a station shares (--server host:port, --join CODE),
/// and where they lead: the control endpoint and the key, from (in order) --join, --server, the
/// station this machine used last (joined or served), and the configuration. An explicit
/// station.key (or the crypto plugin's own key) always wins over a remembered or joined one.
/// </summary>
internal sealed class StationTarget
{
    public static Option<string?> ServerOption() => new("--server")
    {
        Description = "The station's control address, host:port (default: the station joined last, else this machine at station:controlPort).",
    };

    public static Option<string?> JoinOption() => new("--join")
    {
        Description = "Join the station with the code `mooddj server` prints; it is remembered, so later commands need no address or key.",
    };

    private readonly string? _server;
    private readonly string? _join;
    private EndPoint? _endPoint;

    public StationTarget(ParseResult parseResult, Option<string?> server, Option<string?> join)
    {
        _server = parseResult.GetValue(server);
        _join = parseResult.GetValue(join);
    }

    /// <summary>The control endpoint, once <see cref="Prepare"/> ran.</summary>
    public EndPoint EndPoint => _endPoint ?? throw new InvalidOperationException("The station target is not resolved yet.");

    /// <summary>Resolves the endpoint and returns the key override (none when the configuration names a key itself).</summary>
    public IReadOnlyDictionary<string, string?>? Prepare(IConfigurationRoot configuration)
    {
        var book = new StationBook(UserConfigFolder.Default());
        string? host = null, key = null;
        int? port = null;
        if (!string.IsNullOrWhiteSpace(_join))
        {
            var code = JoinCode.Parse(_join);
            (host, port, key) = (code.Address.ToString(), code.Port, code.Key);
        }
        if (!string.IsNullOrWhiteSpace(_server))
        {
            var (h, p) = ParseServer(_server);
            host = h ?? host;
            port = p ?? port;
        }

        KnownStation? known;
        if (host is null && port is null)
        {
            known = book.Current;
            (host, port) = (known?.Host, known?.Port);
        }
        else
        {
            known = host is null ? null : book.Find(host, port ?? ConfiguredPort(configuration)) ?? book.Current;
        }
        key ??= known?.Key;

        try
        {
            _endPoint = StationAddress.Resolve(configuration, host, port);
        }
        catch (ArgumentException e)
        {
            throw new UserFacingException(e.Message);
        }
        if (!string.IsNullOrWhiteSpace(_join) && _endPoint is IPEndPoint joined)
            book.Remember(joined.Address.ToString(), joined.Port, key);

        if (ConfiguredKey(configuration) is not null) return null;
        if (key is null)
        {
            if (!NeedsKey(configuration)) return null;
            throw new UserFacingException(
                "No station key here yet: paste the `mooddj player --join CODE` line that `mooddj server` prints " +
                "(send, client and listen take --join too), or set station.key in mooddj.json.");
        }
        return new Dictionary<string, string?> { ["station:key"] = key };
    }

    /// <summary>station:key, or the chosen crypto plugin's own key setting; null when neither is set.</summary>
    public static string? ConfiguredKey(IConfiguration configuration)
    {
        var crypto = configuration["use:crypto"];
        if (crypto is { Length: > 0 } && configuration[$"plugins:settings:{crypto}:key"] is { Length: > 0 } own)
            return own;
        return configuration["station:key"] is { Length: > 0 } key ? key : null;
    }

    /// <summary>Every crypto but "none" needs a shared key.</summary>
    public static bool NeedsKey(IConfiguration configuration) =>
        !string.Equals(configuration["use:crypto"], "none", StringComparison.OrdinalIgnoreCase);

    private static int ConfiguredPort(IConfiguration configuration)
    {
        var text = configuration["station:controlPort"];
        if (string.IsNullOrWhiteSpace(text)) return 5678;
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new UserFacingException($"station:controlPort must be a port 1..65535, not '{text}'.");
    }

    /// <summary>"host:port", "host" or ":port" (IPv6 in brackets: "[::1]:5678").</summary>
    internal static (string? Host, int? Port) ParseServer(string server)
    {
        server = server.Trim();
        var colon = server.LastIndexOf(':');
        if (colon < 0 || server.EndsWith(']') || (server.Count(c => c == ':') > 1 && !server.StartsWith('[')))
            return (server.Trim('[', ']'), null);
        if (!int.TryParse(server[(colon + 1)..], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new UserFacingException($"--server '{server}' must be host:port with a port 1..65535.");
        var host = server[..colon].Trim('[', ']');
        return (host.Length == 0 ? null : host, port);
    }
}
