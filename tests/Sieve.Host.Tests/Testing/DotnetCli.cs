using System.Diagnostics;
using System.Text;

namespace Sieve.Host.Tests.Testing;

/// <summary>Runs the <c>dotnet</c> CLI (pack, new, publish) as a user would, with extra environment variables.</summary>
internal static class DotnetCli
{
    /// <summary>Runs <c>dotnet args</c> in <paramref name="directory"/>; throws with everything it printed unless it exits 0.</summary>
    public static string Run(string directory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // What the test host's own build left in the environment would steer the child's MSBuild.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }
        // No MSBuild node or compiler server outlives the command.
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 3 minutes.\n{output}");
        }
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.ToString()
            : throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited {process.ExitCode}:\n{output}");
    }
}
