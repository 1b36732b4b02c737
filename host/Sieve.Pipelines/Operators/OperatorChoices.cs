namespace Sieve.Host.Operators;

/// <summary>The operator choices of one configuration, bound once: global ones, those in force for each job, and every error.</summary>
internal sealed class OperatorChoices(IReadOnlyList<BoundOperator> global, IReadOnlyList<IReadOnlyList<BoundOperator>> jobs, IReadOnlyList<string> errors)
{
    /// <summary><c>Sieve:Operators</c>'s choices.</summary>
    public IReadOnlyList<BoundOperator> Global => global;

    /// <summary>Every binding error, each naming its key (empty when all are good).</summary>
    public IReadOnlyList<string> Errors => errors;

    /// <summary>The choices in force for job <paramref name="index"/>: its own, and the global ones for slots it does not set.</summary>
    /// <exception cref="SieveException">Some choice failed to bind (the message lists every error).</exception>
    public IReadOnlyList<BoundOperator> ForJob(int index) =>
        errors.Count == 0 ? jobs[index] : throw new SieveException(string.Join(Environment.NewLine, errors));
}
