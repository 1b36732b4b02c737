using Microsoft.Extensions.Options;
using Sieve.Host.Configuration;

namespace Sieve.Host.Operators;

/// <summary>Validates every operator selection at start, against the plugins found.</summary>
internal sealed class OperatorSelectionValidator(OperatorBinder binder) : IValidateOptions<SieveOptions>
{
    public ValidateOptionsResult Validate(string? name, SieveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = binder.Check(options.Jobs.Count).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
