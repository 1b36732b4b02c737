using System.Diagnostics;
using System.Text;

namespace Sieve.Host.Tests.Testing;

/// <summary>Runs the real `sieve` command (the host's build output) and captures what it prints.</summary>
internal static class SieveProcess
{
    public static ProcessStartInfo StartInfo(params string[] args) => StartInfoIn(TestPaths.HostDir, args);

    /// <summary>Runs the <c>sieve.dll</c> of <paramref name="hostDir"/> (a copy of the host's folder, say).</summary>
    public static ProcessStartInfo StartInfoIn(string hostDir, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(System.IO.Path.Combine(hostDir, "sieve.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    public static SieveResult Run(params string[] args) => RunIn(TestPaths.HostDir, args);

    public static SieveResult RunIn(string hostDir, params string[] args)
    {
        using var process = Process.Start(StartInfoIn(hostDir, args))!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("sieve " + string.Join(' ', args) + " did not finish in 3 minutes.");
        }
        process.WaitForExit();
        return new SieveResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
