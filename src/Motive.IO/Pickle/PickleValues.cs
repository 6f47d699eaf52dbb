namespace Motive.IO.Pickle;

// The values a pickle can produce. Nothing here runs code: a class or function named by the pickle
// is only a name (PickleGlobal), and anything built from a name we do not know stays an inert record.

/// <summary>A `module.name` reference from GLOBAL / STACK_GLOBAL. Resolving it never imports anything.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>An instance of a class we do not know (NEWOBJ, OBJ, INST): its class name, arguments and state, inert.</summary>
public sealed class PickleInstance(PickleGlobal type, object? args) : IPickleBuildable
{
    public PickleGlobal Type { get; } = type;
    public object? Args { get; } = args;
    public object? State { get; private set; }
    public void SetState(object? state) => State = state;
    public override string ToString() => $"<{Type} instance>";
}

/// <summary>
/// A call the pickle asked for (REDUCE) of a function we do not allow: recorded, never made.
/// If such a value is found where weights are expected, the loader refuses the file.
/// </summary>
public sealed class PickleCall(object? callable, object? args) : IPickleBuildable
{
    public object? Callable { get; } = callable;
    public object? Args { get; } = args;
    public object? State { get; private set; }
    public void SetState(object? state) => State = state;
    public override string ToString() => $"<call of {Callable}>";
}

/// <summary>A Python dict / OrderedDict, insertion-ordered. Keys may be strings, numbers, globals or tuples.</summary>
public sealed class PickleDict : IPickleBuildable
{
    private readonly OrderedDictionary<object, object?> _items = new();

    public int Count => _items.Count;
    public IEnumerable<KeyValuePair<object, object?>> Items => _items;
    public object? Attributes { get; private set; }

    public void Set(object? key, object? value) => _items[key ?? PickleNone.Value] = value;

    public bool TryGet(string key, out object? value) => _items.TryGetValue(key, out value);

    /// <summary>OrderedDict's BUILD sets instance attributes (torch stores `_metadata` there); kept, unused.</summary>
    public void SetState(object? state) => Attributes = state;
}

/// <summary>Python's None used as a dict key (a .NET dictionary cannot hold null keys).</summary>
public sealed class PickleNone
{
    public static readonly PickleNone Value = new();
    private PickleNone() { }
    public override string ToString() => "None";
}

/// <summary>Objects that accept the BUILD opcode's state.</summary>
public interface IPickleBuildable
{
    void SetState(object? state);
}
