using System.Diagnostics;

namespace MoodDJ.Bench;

/// <summary>
/// A child process of N receivers that read and count what a server sends them: UDP sockets on
/// 127.0.0.1 counting RTP datagrams (<see cref="StationListenersReceiverScenario"/>), or HTTP streams
/// counting body bytes (<see cref="HttpListenersReceiverScenario"/>). A separate process, so its CPU is
/// not the server's.
/// </summary>
internal sealed class ReceiverProcess : IDisposable
{
    private readonly Process _process;

    private ReceiverProcess(Process process, int[] ports)
    {
        _process = process;
        Ports = ports;
    }

    /// <summary>The UDP receivers' ports (none for HTTP receivers).</summary>
    public int[] Ports { get; }

    public TimeSpan Cpu { get { _process.Refresh(); return _process.TotalProcessorTime; } }

    public static ReceiverProcess StartUdp(int listeners) => Start("station-listeners-rx", listeners.ToString());

    public static ReceiverProcess StartHttp(int listeners, string url) => Start("http-listeners-rx", listeners.ToString(), url);

    private static ReceiverProcess Start(params string[] args)
    {
        var process = Process.Start(new ProcessStartInfo("dotnet", [typeof(ReceiverProcess).Assembly.Location, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"The {args[0]} receiver process did not start.");
        return new ReceiverProcess(process, line.Length == 0 ? [] : line.Split(',').Select(int.Parse).ToArray());
    }

    /// <summary>Datagrams (or reads) and bytes received so far, over all receivers.</summary>
    public (long Packets, long Bytes) Count()
    {
        _process.StandardInput.WriteLine("count");
        _process.StandardInput.Flush();
        var parts = _process.StandardOutput.ReadLine()!.Split(' ');
        return (long.Parse(parts[0]), long.Parse(parts[1]));
    }

    public void Dispose()
    {
        try { _process.StandardInput.WriteLine("quit"); _process.WaitForExit(5000); } catch (IOException) { }
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}

/// <summary>The HTTP side of <see cref="ReceiverProcess"/>: N plain HTTP/1.0 GETs of one stream, each read and counted.</summary>
public sealed class HttpListenersReceiverScenario : IBenchScenario
{
    public string Name => "http-listeners-rx";

    public async Task<int> RunAsync(string[] args)
    {
        var n = int.Parse(args[0]);
        var url = new Uri(args[1]);
        long reads = 0, bytes = 0;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, n).Select(_ => Task.Run(async () =>
        {
            try
            {
                using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(url.Host, url.Port, stop.Token);
                await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.0\r\nHost: {url.Host}\r\n\r\n"), stop.Token);
                var buffer = new byte[16384];
                while (true)
                {
                    var got = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, stop.Token);
                    if (got == 0) return;
                    Interlocked.Increment(ref reads);
                    Interlocked.Add(ref bytes, got);
                }
            }
            catch (Exception) { }
        })).ToArray();
        Console.WriteLine();
        string? line;
        while ((line = Console.ReadLine()) is not null && line != "quit")
            Console.WriteLine($"{Interlocked.Read(ref reads)} {Interlocked.Read(ref bytes)}");
        stop.Cancel();
        await Task.WhenAll(loops);
        return 0;
    }
}
