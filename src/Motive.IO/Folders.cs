namespace Motive.IO;

/// <summary>Folder housekeeping that must never fail the work around it.</summary>
public static class Folders
{
    /// <summary>Deletes <paramref name="dir"/> and everything in it if it exists; a file in use or a permission problem leaves it (best effort: temporary and pruned folders).</summary>
    public static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
