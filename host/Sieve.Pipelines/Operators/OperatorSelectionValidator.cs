using Microsoft.Extensions.Options;
using Sieve.Host.Configuration;

namespace Sieve.Host.Operators;

/// <summary>Validates every operator selection at start, against the plugins found (the binding is kept for the jobs).</summary>
internal sealed class OperatorSelectionValidator(OperatorBinder binder) : IValidateOptions<SieveOptions>
{
    public ValidateOptionsResult Validate(string? name, SieveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = binder.Bind(options).Errors.Distinct(StringComparer.Ordinal).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
