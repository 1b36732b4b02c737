using System.Diagnostics;
using Sieve.Cuda.Ptx;
using Sieve.Host.Tests.Testing;

namespace Sieve.Host.Tests.Device;

/// <summary>
/// The tensor-core kernels are inline PTX, which ILGPU's CPU accelerator cannot run; here their PTX runs in the PTX
/// interpreter of tools/ptx-gen (ptxsim.py) against fp64 references of the same fp16 inputs, without a GPU. Needs
/// python3 with numpy (.ci/run installs Debian's python3-numpy); skipped, saying so, where there is none.
/// </summary>
public sealed class InlinePtxInterpreterTests
{
    private static readonly PtxCompiler Compiler = new(cacheDirectory: null);

    /// <summary>Kernel, check script, cases (a CI-sized subset where the whole check takes over a minute).</summary>
    public static TheoryData<string, string, string> Checks => new()
    {
        { "Sieve.Kernels:LexicalHeadHalfKernel.Run", "check_lexical_head_half.py", "1,4" },
        { "Sieve.Kernels:FlashAttentionHalfKernel.Run", "check_flash_attention_half.py", "all" },
        { "Sieve.Plugins.Attention:BlockScoresHalfKernel.Run", "check_block_scores_half.py", "5,7,8" },
    };

    [SkippableTheory]
    [MemberData(nameof(Checks))]
    public void Interpret_Kernel_MatchesTheFp64Reference(string kernel, string script, string cases)
    {
        var python = FindPythonWithNumpy();
        Skip.If(python is null, "No python3 with numpy here (.ci/run installs Debian's python3-numpy; SIEVE_PYTHON names another).");
        var ptx = Compiler.Compile(GpuKernels.ByName(kernel), 90);
        using var folder = new TempFolder();
        var file = folder.File("kernel.ptx");
        File.WriteAllText(file, ptx.Assembly);
        var tools = Path.Combine(TestPaths.RepoRoot, "tools", "ptx-gen");

        var (exitCode, log) = Run(python!, [Path.Combine(tools, script), file, cases], tools);

        Assert.True(exitCode == 0 && log.Contains("ALL OK", StringComparison.Ordinal), $"{kernel} in the PTX interpreter:\n{log}");
    }

    private static string? FindPythonWithNumpy()
    {
        string[] candidates = Environment.GetEnvironmentVariable("SIEVE_PYTHON") is { Length: > 0 } configured
            ? [configured]
            : ["/usr/bin/python3", "python3"];
        foreach (var candidate in candidates)
        {
            try
            {
                if (Run(candidate, ["-c", "import numpy"], TestPaths.RepoRoot).ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }
        return null;
    }

    private static (int ExitCode, string Log) Run(string program, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = workingDirectory };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
