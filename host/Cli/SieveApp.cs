using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Sieve.Abstractions;
using Sieve.Host.Configuration;
using Sieve.Host.Device;
using Sieve.Host.Operators;
using Sieve.Host.Plugins;

namespace Sieve.Host.Cli;

/// <summary>
/// The <c>sieve</c> command: parses the command line, builds the generic host (configuration from the config file,
/// environment variables and <c>--set</c>, in that order of precedence from low to high), validates the options at
/// start and runs one verb. Logs go to standard error; results and the summary line to standard output.
/// </summary>
internal static class SieveApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var commandLine = CommandLine.Parse(args);
            using var host = Build(commandLine);
            var result = host.Services.GetRequiredService<CommandResult>();
            try
            {
                await host.RunAsync().ConfigureAwait(false);
            }
            catch (OptionsValidationException invalid)
            {
                return Report("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", invalid.Failures), ExitCodes.Invalid);
            }
            catch (InvalidOperationException bindError) when (bindError.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
            {
                return Report("Invalid configuration: " + bindError.Message, ExitCodes.Invalid);
            }
            return result.Error is null ? result.ExitCode : Report(result.Error, result.ExitCode);
        }
        catch (SieveException error)
        {
            return Report(error.Message, ExitCodes.Invalid);
        }
    }

    private static int Report(string message, int exitCode)
    {
        Console.Error.WriteLine("error: " + message);
        return exitCode;
    }

    private static IHost Build(CommandLine commandLine)
    {
        var configPath = Path.GetFullPath(commandLine.ConfigPath ?? Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        if (!File.Exists(configPath))
        {
            throw new SieveException($"Configuration file not found: {configPath}" + (commandLine.ConfigPath is null ? " (pass one with --config F)." : "."));
        }
        var baseDirectory = Path.GetDirectoryName(configPath)!;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = baseDirectory });
        try
        {
            builder.Configuration.AddJsonFile(configPath, optional: false, reloadOnChange: false);
        }
        catch (InvalidDataException invalid)
        {
            throw new SieveException($"Configuration file {configPath} is not valid JSON: {invalid.InnerException?.Message ?? invalid.Message}", invalid);
        }
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(commandLine.Settings);

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        var paths = new ConfigPaths(baseDirectory);
        builder.Services.AddSingleton(paths);
        builder.Services.AddSingleton(commandLine);
        builder.Services.AddSingleton(new PluginCatalog(paths.Resolve(builder.Configuration["Sieve:PluginsPath"] ?? "plugins")));
        builder.Services.AddSingleton<OperatorBinder>();
        var options = builder.Services.AddOptions<SieveOptions>()
            .Bind(builder.Configuration.GetSection(SieveOptions.SectionName), o => o.ErrorOnUnknownConfiguration = true);
        if (commandLine.Verb is "run" or "bench" or "eval")
        {
            // `plugins` and `inspect` must work while a job's settings are still being fixed.
            options.ValidateOnStart();
        }
        builder.Services.AddSingleton<IValidateOptions<SieveOptions>, SieveOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<SieveOptions>, OperatorSelectionValidator>();
        builder.Services.AddSingleton<CommandResult>();
        // The device is resolved on first use (a model load), so that `plugins` and `inspect` never touch a GPU.
        builder.Services.AddSingleton(services => ExecutionDevice.Resolve(services.GetRequiredService<IOptions<SieveOptions>>().Value,
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Sieve.Device")));
        builder.Services.AddSingleton<IGpuDevice>(services => services.GetRequiredService<ExecutionDevice>().Gpu!);
        builder.Services.AddSingleton(typeof(ISieveCommand), commandLine.Verb switch
        {
            "run" => typeof(RunCommand),
            "plugins" => typeof(PluginsCommand),
            "inspect" => typeof(InspectCommand),
            "bench" => typeof(BenchCommand),
            "eval" => typeof(EvalCommand),
            _ => throw new SieveException($"Unknown command '{commandLine.Verb}'."),
        });
        builder.Services.AddHostedService<CommandHostedService>();
        return builder.Build();
    }
}
