using Sieve.Host.Cli;

return await SieveApp.RunAsync(args).ConfigureAwait(false);
