using Microsoft.Extensions.Options;
using Sieve.Host.Pipelines;
using Sieve.Host.Retrieval;

namespace Sieve.Host.Configuration;

/// <summary>
/// Validates <see cref="SieveOptions"/> at start. Every message names the full key, the value and what is allowed.
/// Operator selections are checked by <see cref="Operators.OperatorSelectionValidator"/>, which needs the plugins.
/// </summary>
public sealed class SieveOptionsValidator : IValidateOptions<SieveOptions>
{
    private static readonly string[] Devices = ["cpu", "cuda"];

    public ValidateOptionsResult Validate(string? name, SieveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!Devices.Contains(options.Device, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"Sieve:Device = '{options.Device}' is not supported. Allowed: {string.Join(", ", Devices)}.");
        }
        if (options.CudaDevice < 0)
        {
            errors.Add($"Sieve:CudaDevice = {options.CudaDevice} is invalid: CUDA devices count from 0.");
        }
        foreach (var (modelName, model) in options.Models)
        {
            if (string.IsNullOrWhiteSpace(model.Path))
            {
                errors.Add($"Sieve:Models:{modelName}:Path is empty: give the .onnx file.");
            }
            if (model.MaxSequenceLength is < 2 or > 1_048_576)
            {
                errors.Add($"Sieve:Models:{modelName}:MaxSequenceLength = {model.MaxSequenceLength} is invalid: must be between 2 and 1048576.");
            }
        }
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Jobs.Count; i++)
        {
            ValidateJob($"Sieve:Jobs:{i}", options.Jobs[i], options, names, errors);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateJob(string key, JobOptions job, SieveOptions options, HashSet<string> names, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(job.Name))
        {
            errors.Add($"{key}:Name is empty: every job needs a name.");
        }
        else if (!names.Add(job.Name))
        {
            errors.Add($"{key}:Name = '{job.Name}' is used by an earlier job: job names must be unique.");
        }
        if (!PipelineCatalog.Names.Contains(job.Pipeline, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{key}:Pipeline = '{job.Pipeline}' is not a pipeline. Available: {string.Join(", ", PipelineCatalog.Names)}.");
        }
        if (!options.Models.ContainsKey(job.Model))
        {
            var known = options.Models.Count == 0 ? "none are configured under Sieve:Models" : "available: " + string.Join(", ", options.Models.Keys);
            errors.Add($"{key}:Model = '{job.Model}' is not a configured model ({known}).");
        }
        if (string.IsNullOrWhiteSpace(job.Input))
        {
            errors.Add($"{key}:Input is empty: give the input JSONL file.");
        }
        if (string.IsNullOrWhiteSpace(job.Output))
        {
            errors.Add($"{key}:Output is empty: give the output JSONL file.");
        }
        if (job.BatchSize is < 1 or > 4096)
        {
            errors.Add($"{key}:BatchSize = {job.BatchSize} is invalid: must be between 1 and 4096.");
        }
        if (string.Equals(job.Pipeline, PipelineCatalog.Index, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(job.Index))
        {
            errors.Add($"{key}:Index is empty: an index job needs the path of the inverted index to write.");
        }
        if (string.Equals(job.Pipeline, PipelineCatalog.Generate, StringComparison.OrdinalIgnoreCase))
        {
            if (job.MaxNewTokens < 1)
            {
                errors.Add($"{key}:MaxNewTokens = {job.MaxNewTokens} is invalid: must be at least 1.");
            }
            if (job.Temperature < 0 || !float.IsFinite(job.Temperature))
            {
                errors.Add($"{key}:Temperature = {job.Temperature} is invalid: must be 0 (greedy) or positive.");
            }
            if (job.TopP is <= 0 or > 1)
            {
                errors.Add($"{key}:TopP = {job.TopP} is invalid: must be in (0, 1].");
            }
        }
        if (string.Equals(job.Pipeline, PipelineCatalog.Search, StringComparison.OrdinalIgnoreCase))
        {
            if (!Retrievers.Names.Contains(job.Retriever, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:Retriever = '{job.Retriever}' is not a retriever. Available: {string.Join(", ", Retrievers.Names)}.");
            }
            else if (string.Equals(job.Retriever, Retrievers.Sparse, StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrWhiteSpace(job.Index))
                {
                    errors.Add($"{key}:Index is empty: a sparse search job needs the inverted index to search (an index job's Index).");
                }
            }
            else if (string.IsNullOrWhiteSpace(job.Corpus))
            {
                errors.Add(string.Equals(job.Retriever, Retrievers.Bm25, StringComparison.OrdinalIgnoreCase)
                    ? $"{key}:Corpus is empty: a bm25 search job needs the documents JSONL ({{\"id\", \"text\"}} a line) to index."
                    : $"{key}:Corpus is empty: a dense search job needs the embeddings JSONL to search (an embed job's output).");
            }
            if (job.QueryTerms < 0)
            {
                errors.Add($"{key}:QueryTerms = {job.QueryTerms} is invalid: must be 0 (all) or positive.");
            }
            if (job.TopK is < 1 or > 10_000)
            {
                errors.Add($"{key}:TopK = {job.TopK} is invalid: must be between 1 and 10000.");
            }
            if (job.PrintHits < 0 || job.PrintHits > job.TopK)
            {
                errors.Add($"{key}:PrintHits = {job.PrintHits} is invalid: must be between 0 and TopK ({job.TopK}).");
            }
        }
    }
}
