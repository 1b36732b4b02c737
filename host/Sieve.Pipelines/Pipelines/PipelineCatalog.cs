using Sieve.Host.Configuration;
using Sieve.Host.Operators;
using Sieve.Host.Slots;

namespace Sieve.Host.Pipelines;

/// <summary>The pipelines a job can name, and how a job's pipeline is built with the operators its slots take.</summary>
internal static class PipelineCatalog
{
    public const string Embed = "embed";
    public const string Search = "search";
    public const string Index = "index";
    public const string Generate = "generate";

    public static IReadOnlyList<IPipelineDefinition> All { get; } =
        [new EmbedPipelineDefinition(), new SearchPipelineDefinition(), new IndexPipelineDefinition(), new GeneratePipelineDefinition()];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name)];

    /// <summary>The pipeline named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IPipelineDefinition? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The slots job <paramref name="job"/>'s pipeline uses: every in-graph slot when it loads a model, and those it calls.</summary>
    public static IReadOnlyList<SlotDescriptor> UsableSlots(JobOptions job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var pipeline = Find(job.Pipeline);
        if (pipeline is null)
        {
            return [];
        }
        var around = pipeline.AroundGraphSlots(job);
        return [.. SlotCatalog.All.Where(s => s.Placement == SlotPlacement.InGraph ? pipeline.LoadsModel(job) : around.Contains(s.Contract))];
    }

    /// <summary>Builds job <paramref name="jobIndex"/>'s pipeline: checks its operator choices against its slots and loads its model.</summary>
    /// <exception cref="SieveException">A file is missing or bad, or an operator is chosen that the pipeline cannot use.</exception>
    public static IJobPipeline Create(int jobIndex, SieveOptions options, ConfigPaths paths, OperatorBinder operators, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(operators);
        var job = options.Jobs[jobIndex];
        var key = $"Sieve:Jobs:{jobIndex}";
        var pipeline = Find(job.Pipeline) ?? throw new SieveException($"{key}:Pipeline = '{job.Pipeline}' is not a pipeline. Pipelines: {string.Join(", ", Names)}.");
        var usable = UsableSlots(job);
        // A global selection serves the jobs whose pipeline uses its slot; a job's own selection must be usable there.
        var chosen = operators.Bind(options).ForJob(jobIndex).Where(c => !c.Global || usable.Contains(c.Slot)).ToList();
        var unused = chosen.Where(c => !usable.Contains(c.Slot)).ToList();
        if (unused.Count > 0)
        {
            throw new SieveException($"Job {job.Name} ({key}) selects {string.Join(", ", unused)}, but the {job.Pipeline} pipeline " +
                $"uses only {(usable.Count == 0 ? "no slot" : "the " + string.Join(", ", usable.Select(s => s.Name)) + " slots")}; remove the selection or pick a pipeline that uses it.");
        }
        return pipeline.Create(new PipelineContext(job, key, options, paths, new JobOperators(chosen, operators.Plugins, services), services));
    }
}
