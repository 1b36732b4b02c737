using Spectre.Console;

namespace Sieve.Host.Jobs;

/// <summary>A progress bar on an interactive terminal (Spectre.Console).</summary>
internal sealed class SpectreJobProgress(ProgressTask task, string description) : IJobProgress
{
    public void Status(string status) => task.Description = $"{description} ({status})";

    public void Start(long total) => task.MaxValue = Math.Max(total, 1);

    public void Advance(long records) => task.Increment(records);

    /// <summary>Runs <paramref name="work"/> under a progress bar named <paramref name="description"/>.</summary>
    public static T Show<T>(string description, Func<IJobProgress, T> work) =>
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(new SpectreJobProgress(context.AddTask(description), description)));
}
