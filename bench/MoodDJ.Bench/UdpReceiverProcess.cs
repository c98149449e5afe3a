using System.Diagnostics;

namespace MoodDJ.Bench;

/// <summary>
/// A child process of N UDP sockets on 127.0.0.1 counting RTP datagrams (not RTCP) and their bytes
/// (<see cref="StationListenersReceiverScenario"/>). A separate process, so its CPU is not the station's.
/// </summary>
internal sealed class UdpReceiverProcess : IDisposable
{
    private readonly Process _process;

    private UdpReceiverProcess(Process process, int[] ports)
    {
        _process = process;
        Ports = ports;
    }

    public int[] Ports { get; }

    public TimeSpan Cpu { get { _process.Refresh(); return _process.TotalProcessorTime; } }

    public static UdpReceiverProcess Start(int listeners)
    {
        var process = Process.Start(new ProcessStartInfo("dotnet", [typeof(UdpReceiverProcess).Assembly.Location, "station-listeners-rx", listeners.ToString()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The receiver process did not start.");
        return new UdpReceiverProcess(process, line.Split(',').Select(int.Parse).ToArray());
    }

    /// <summary>RTP datagrams and their bytes (UDP payload) received so far, over all sockets.</summary>
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
