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
        // Known before parsing, so that an error in the arguments themselves can be explained in full too.
        var verbose = args.Contains(GlobalOptions.VerboseName);
        try
        {
            var commandLine = CommandLine.Parse(args, out var parsed);
            if (commandLine is null)
            {
                return await parsed.InvokeAsync().ConfigureAwait(false); // help, printed to standard output
            }
            using var host = Build(commandLine);
            var result = host.Services.GetRequiredService<CommandResult>();
            try
            {
                await host.RunAsync().ConfigureAwait(false);
            }
            catch (OptionsValidationException invalid)
            {
                return Report("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", invalid.Failures), ExitCodes.Invalid,
                    verbose ? invalid : null);
            }
            catch (InvalidOperationException bindError) when (bindError.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
            {
                // ConfigurationShape reports what it knows first; this is what the binder found beyond it.
                return Report("Invalid configuration: " + Innermost(bindError).Message, ExitCodes.Invalid, verbose ? bindError : null);
            }
            return result.Error is null ? result.ExitCode : Report(result.Error, result.ExitCode, null);
        }
        catch (SieveException error)
        {
            return Report(error.Message, ExitCodes.Invalid, verbose ? error : null);
        }
    }

    private static int Report(string message, int exitCode, Exception? detail)
    {
        Console.Error.WriteLine("error: " + message);
        if (detail is not null)
        {
            Console.Error.WriteLine(detail);
        }
        return exitCode;
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is not null)
        {
            error = error.InnerException;
        }
        return error;
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
            throw new SieveException(JsonConfigurationError.Describe(configPath, invalid), invalid);
        }
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(commandLine.Settings);
        var validates = commandLine.Verb is SieveCommands.Run or SieveCommands.Bench or SieveCommands.Eval;
        if (validates)
        {
            var errors = ConfigurationShape.Check(builder.Configuration.GetSection(SieveOptions.SectionName), typeof(SieveOptions),
                new SettingSources(builder.Configuration, configPath));
            if (errors.Count > 0)
            {
                throw new SieveException("Invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", errors));
            }
        }

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", commandLine.Verbose ? LogLevel.Information : LogLevel.Warning);
        if (!commandLine.Verbose)
        {
            // Its "Hosting failed to start" repeats, with a stack trace, the error reported once and plainly below.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        }
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
        if (validates)
        {
            // `plugins` and `inspect` must work while a job's settings are still being fixed.
            options.ValidateOnStart();
        }
        builder.Services.AddSingleton<IValidateOptions<SieveOptions>, SieveOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<SieveOptions>, OperatorSelectionValidator>();
        builder.Services.AddSingleton<CommandResult>();
        // The device is resolved on first use (a model load), so that `plugins` and `inspect` never touch a GPU.
        builder.Services.AddSingleton(services =>
        {
            var sieve = services.GetRequiredService<IOptions<SieveOptions>>().Value;
            return ExecutionDevice.Resolve(sieve.Device, sieve.CudaDevice, sieve.FallBackToCpu,
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Sieve.Device"));
        });
        builder.Services.AddSingleton<IGpuDevice>(services => services.GetRequiredService<ExecutionDevice>().Gpu!);
        if (SieveCommands.IsToolVerb(commandLine.Verb))
        {
            // Parsing loaded the tools (or refused the verb where they are absent).
            (SieveTools.Loaded ?? throw new SieveException(SieveTools.NotInstalled(commandLine.Verb))).AddCommand(builder.Services, commandLine);
        }
        else
        {
            builder.Services.AddSingleton(typeof(ISieveCommand), commandLine.Verb switch
            {
                SieveCommands.Run => typeof(RunCommand),
                SieveCommands.Plugins => typeof(PluginsCommand),
                SieveCommands.Inspect => typeof(InspectCommand),
                _ => throw new SieveException($"Unknown command '{commandLine.Verb}'."),
            });
        }
        builder.Services.AddHostedService<CommandHostedService>();
        return builder.Build();
    }
}
