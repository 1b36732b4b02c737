namespace Sieve.Host.Cli;

/// <summary>The exit codes of <c>sieve</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>At least one record failed; the others were written.</summary>
    public const int RecordsFailed = 1;

    /// <summary>A setting, file or model is wrong; nothing ran (or the job stopped as configured).</summary>
    public const int Invalid = 2;

    /// <summary>A bug in Sieve or a plugin (EX_SOFTWARE).</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by Ctrl+C or SIGTERM; the partial output is kept and the next run resumes it.</summary>
    public const int Cancelled = 130;
}
