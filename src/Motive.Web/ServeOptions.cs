using System.Net;
using Motive.Methods.Editing;

namespace Motive.Web;

/// <summary>
/// How a server runs: where it listens (loopback unless a bearer token guards it), the models it edits with (the
/// operator's choice; requests never name files), the device, and the bounds on what clients may send.
/// </summary>
public sealed record ServeOptions
{
    public string Host { get; init; } = "127.0.0.1";
    /// <summary>0 = any free port (tests).</summary>
    public int Port { get; init; } = 7860;
    public ModelRef Model { get; init; } = new();
    /// <summary>The RAFT checkpoint of the methods that measure motion (null = the embedded toy RAFT).</summary>
    public string? Raft { get; init; }

    /// <summary>The operator's files for the other kinds of auxiliary model (e.g. "classifier" → a path); a kind not here: the embedded one.</summary>
    public IReadOnlyDictionary<string, string> AuxFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>The operator's file for an auxiliary model a method names by kind (<see cref="MethodDescription.AuxModels"/>); null = the embedded one.</summary>
    public string? AuxModel(string kind) => kind == "raft" ? Raft : AuxFiles.GetValueOrDefault(kind);

    /// <summary>Whether a method runs on its embedded auxiliary models only: then its choices (e.g. a classifier's classes) are theirs, and checked.</summary>
    public bool EmbeddedAux(MethodDescription description) => description.AuxModels.Values.All(kind => AuxModel(kind) is null);
    public string Device { get; init; } = "cpu";
    /// <summary>Jobs whose memory estimate is over this (MiB) are refused; null: what the device has.</summary>
    public double? MaxMemoryMiB { get; init; }
    /// <summary>Bearer token every API call must carry; required when <see cref="Host"/> is not loopback.</summary>
    public string? Token { get; init; }
    public long MaxUploadBytes { get; init; } = 20L << 20;
    public int MaxImageSide { get; init; } = 4096;
    public long MaxJsonBytes { get; init; } = 1L << 20;
    /// <summary>Jobs that may wait behind the running one; one more gets 429.</summary>
    public int QueueCapacity { get; init; } = 8;
    /// <summary>Uploads and results live here (null = a fresh temporary folder, deleted at shutdown).</summary>
    public string? DataDir { get; init; }
    /// <summary>Origins allowed to call the API from other pages; empty = CORS off.</summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];
    /// <summary>A preview frame (x̂₀) every this many steps in the progress stream.</summary>
    public int PreviewEvery { get; init; } = 5;
    /// <summary>Results kept at most; the oldest finished jobs' folders go first.</summary>
    public int KeepJobs { get; init; } = 100;

    public bool IsLoopback => Host is "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Refuses settings that would expose the models or make no sense, with one line each.</summary>
    public void Validate()
    {
        if (!IsLoopback && string.IsNullOrEmpty(Token))
            throw new ArgumentException($"serving on {Host} reaches beyond this machine: give a bearer token that every client must send");
        if (Token is { Length: > 0 and < 16 }) throw new ArgumentException("the token is too short to guard anything: use 16 characters or more");
        if (Port is < 0 or > 65535) throw new ArgumentException($"the port must be 0..65535, not {Port}");
        if (MaxUploadBytes < 1024) throw new ArgumentException("the upload limit must be at least 1 KB");
        if (MaxImageSide is < 16 or > Motive.IO.Images.ImageReader.MaxSide) throw new ArgumentException($"the image side limit must be 16..{Motive.IO.Images.ImageReader.MaxSide} px");
        if (QueueCapacity < 1) throw new ArgumentException("the queue needs room for at least one job");
        if (PreviewEvery < 0) throw new ArgumentException("the preview interval cannot be negative");
        foreach (var o in CorsOrigins)
            if (!Uri.TryCreate(o, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                throw new ArgumentException($"the CORS origin '{o}' is not an http(s) origin");
    }
}
