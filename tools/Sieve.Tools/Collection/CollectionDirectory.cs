namespace Sieve.Tools.Collection;

/// <summary>
/// Publishes a collection folder whole or not at all: files are written into a hidden sibling folder, which is
/// renamed into place only once complete (<c>summary.json</c> last). A previous collection at the target is moved
/// aside first and deleted after; anything else at the target is left alone and refused.
/// </summary>
internal static class CollectionDirectory
{
    public const string SummaryFile = "summary.json";

    /// <exception cref="SieveException">The target holds something other than a collection, or cannot be written.</exception>
    public static void Publish(string directory, Action<string> writeFiles)
    {
        var target = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(target) ?? throw new SieveException($"Cannot write a collection at the root folder {target}.");
        var name = Path.GetFileName(target);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !File.Exists(Path.Combine(target, SummaryFile)))
        {
            throw new SieveException($"{target} exists and is not a retrieval collection (no {SummaryFile}); refusing to replace it. Choose an empty or new folder.");
        }
        if (File.Exists(target))
        {
            throw new SieveException($"{target} is a file; a collection needs a folder there.");
        }

        var building = Path.Combine(parent, $".{name}.building-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(building);
            writeFiles(building);
            if (Directory.Exists(target))
            {
                var old = Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
                Directory.Move(building, target);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(building, target);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            TryDelete(building);
            throw new SieveException($"Cannot write the collection at {target}: {error.Message}", error);
        }
        catch
        {
            TryDelete(building);
            throw;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a hidden, never-published folder is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
