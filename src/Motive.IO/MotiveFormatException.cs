namespace Motive.IO;

/// <summary>
/// A file could not be read (missing, corrupt, unsupported). Each reader throws its own subclass, so a
/// front end can print <see cref="Exception.Message"/> as one line: "PATH: problem".
/// </summary>
public class MotiveFormatException : Exception
{
    public MotiveFormatException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file (or folder) that was being read.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Problem { get; }
}

/// <summary>A safetensors file is corrupt or violates the format.</summary>
public sealed class SafetensorsFormatException(string path, string problem, Exception? inner = null)
    : MotiveFormatException(path, problem, inner);

/// <summary>A pickled PyTorch checkpoint is corrupt, unsupported, or would need code to run.</summary>
public class CheckpointFormatException(string path, string problem, Exception? inner = null)
    : MotiveFormatException(path, problem, inner);

/// <summary>The checkpoint asks for a call we never make (e.g. <c>os.system</c>) where weights are expected.</summary>
public sealed class CheckpointRefusedException(string path, string problem)
    : CheckpointFormatException(path, problem);

/// <summary>An image file is unreadable or unsupported.</summary>
public sealed class ImageFormatException(string path, string problem, Exception? inner = null)
    : MotiveFormatException(path, problem, inner);

/// <summary>A flow file (.flo, .npy, .safetensors, .pth) is unreadable or holds no usable flow.</summary>
public sealed class FlowFormatException(string path, string problem, Exception? inner = null)
    : MotiveFormatException(path, problem, inner);
