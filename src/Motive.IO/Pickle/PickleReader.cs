using System.Numerics;
using System.Text;

namespace Motive.IO.Pickle;

/// <summary>
/// A pickle interpreter (protocols 0–5) that never executes anything. It runs the opcode stack machine
/// itself; GLOBAL yields a <see cref="PickleGlobal"/> name, and REDUCE / NEWOBJ either call one of a few
/// functions we implement in C# (<see cref="ICallResolver"/>) or produce an inert record.
/// All lengths are checked against the bytes left, so a corrupt file fails fast and never allocates wildly.
/// </summary>
public sealed class PickleReader
{
    /// <summary>Maps calls the caller understands (tensor rebuilds) to values; null = not ours, keep inert.</summary>
    public interface ICallResolver
    {
        object? TryCall(PickleGlobal function, object?[] args);
        object? PersistentLoad(object? pid);
    }

    private readonly Stream _in;
    private readonly long _end;
    private readonly ICallResolver? _resolver;
    private readonly List<object?> _stack = new();
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = new();

    private PickleReader(Stream input, ICallResolver? resolver)
    {
        _in = input;
        _end = input.Length;
        _resolver = resolver;
    }

    /// <summary>Reads one pickle from the stream's current position, leaving it just after STOP.</summary>
    public static object? Load(Stream input, ICallResolver? resolver = null) => new PickleReader(input, resolver).Run();

    public static object? Load(byte[] data, ICallResolver? resolver = null) => Load(new MemoryStream(data, writable: false), resolver);

    private object? Run()
    {
        while (true)
        {
            int op = _in.ReadByte();
            if (op < 0) throw new PickleException("pickle ends without STOP");
            switch (op)
            {
                case 0x80: ReadByte(); break;                    // PROTO
                case 0x95: Bytes(8); break;                      // FRAME (length is advisory)
                case 0x2e:                                       // STOP
                    if (_stack.Count != 1 || _marks.Count != 0) throw new PickleException($"STOP with {_stack.Count} values on the stack");
                    return _stack[0];
                case 0x28: _marks.Push(_stack.Count); break;     // MARK
                case 0x30: Pop(); break;                         // POP
                case 0x31: PopMark(); break;                     // POP_MARK
                case 0x32: Push(Peek()); break;                  // DUP

                case 0x4e: Push(null); break;                    // NONE
                case 0x88: Push(true); break;                    // NEWTRUE
                case 0x89: Push(false); break;                   // NEWFALSE
                case 0x49: Push(ParseIntLine(Line())); break;    // INT
                case 0x4a: Push((long)BitConverter.ToInt32(Bytes(4))); break; // BININT
                case 0x4b: Push((long)ReadByte()); break;        // BININT1
                case 0x4d: Push((long)BitConverter.ToUInt16(Bytes(2))); break; // BININT2
                case 0x4c: Push(Normalize(ParseBig(Line().TrimEnd('L')))); break; // LONG
                case 0x8a: Push(Normalize(new BigInteger(Bytes(ReadByte()), isUnsigned: false))); break; // LONG1
                case 0x8b: Push(Normalize(new BigInteger(Bytes(Len(4)), isUnsigned: false))); break;   // LONG4
                case 0x46: Push(ParseFloat(Line())); break;      // FLOAT
                case 0x47: { var b = Bytes(8); Array.Reverse(b); Push(BitConverter.ToDouble(b)); break; } // BINFLOAT (big-endian)

                case 0x53: Push(ParseQuoted(Line())); break;     // STRING
                case 0x54: Push(Encoding.Latin1.GetString(Bytes(Len(4)))); break; // BINSTRING
                case 0x55: Push(Encoding.Latin1.GetString(Bytes(ReadByte()))); break; // SHORT_BINSTRING
                case 0x56: Push(Line()); break;                  // UNICODE (raw-unicode-escape; ASCII in practice)
                case 0x58: Push(Utf8(Bytes(Len(4)))); break;     // BINUNICODE
                case 0x8c: Push(Utf8(Bytes(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(Bytes(Len(8)))); break;     // BINUNICODE8
                case 0x42: Push(Bytes(Len(4))); break;           // BINBYTES
                case 0x43: Push(Bytes(ReadByte())); break;       // SHORT_BINBYTES
                case 0x8e: Push(Bytes(Len(8))); break;           // BINBYTES8
                case 0x96: Push(Bytes(Len(8))); break;           // BYTEARRAY8

                case 0x29: Push(Array.Empty<object?>()); break;  // EMPTY_TUPLE
                case 0x74: Push(PopMark().ToArray()); break;     // TUPLE
                case 0x85: Push(PopN(1)); break;                 // TUPLE1
                case 0x86: Push(PopN(2)); break;                 // TUPLE2
                case 0x87: Push(PopN(3)); break;                 // TUPLE3
                case 0x5d: Push(new List<object?>()); break;     // EMPTY_LIST
                case 0x6c: Push(PopMark()); break;               // LIST
                case 0x61: { var v = Pop(); ListAt().Add(v); break; } // APPEND
                case 0x65: { var items = PopMark(); ListAt().AddRange(items); break; } // APPENDS
                case 0x7d: Push(new PickleDict()); break;        // EMPTY_DICT
                case 0x64: { var items = PopMark(); var d = new PickleDict(); SetItems(d, items); Push(d); break; } // DICT
                case 0x73: { var v = Pop(); var k = Pop(); DictAt().Set(k, v); break; } // SETITEM
                case 0x75: { var items = PopMark(); SetItems(DictAt(), items); break; } // SETITEMS
                case 0x8f: Push(new List<object?>()); break;     // EMPTY_SET (a list will do)
                case 0x90: { var items = PopMark(); ListAt().AddRange(items); break; } // ADDITEMS
                case 0x91: Push(PopMark()); break;               // FROZENSET

                case 0x70: _memo[ParseMemoKey(Line())] = Peek(); break; // PUT
                case 0x71: _memo[ReadByte()] = Peek(); break;    // BINPUT
                case 0x72: _memo[BitConverter.ToUInt32(Bytes(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;   // MEMOIZE
                case 0x67: Push(MemoGet(ParseMemoKey(Line()))); break; // GET
                case 0x68: Push(MemoGet(ReadByte())); break;     // BINGET
                case 0x6a: Push(MemoGet(BitConverter.ToUInt32(Bytes(4)))); break; // LONG_BINGET

                case 0x63: Push(new PickleGlobal(Line(), Line())); break; // GLOBAL
                case 0x93:                                       // STACK_GLOBAL
                {
                    var name = Pop() as string; var module = Pop() as string;
                    if (name is null || module is null) throw new PickleException("STACK_GLOBAL needs two strings");
                    Push(new PickleGlobal(module, name));
                    break;
                }
                case 0x52: { var args = Pop(); var f = Pop(); Push(Call(f, args)); break; }     // REDUCE
                case 0x81: { var args = Pop(); var cls = Pop(); Push(New(cls, args)); break; }  // NEWOBJ
                case 0x92: { Pop(); var args = Pop(); var cls = Pop(); Push(New(cls, args)); break; } // NEWOBJ_EX (kwargs dropped)
                case 0x6f: { var items = PopMark(); if (items.Count == 0) throw new PickleException("OBJ without a class"); Push(New(items[0], items.Skip(1).ToArray())); break; } // OBJ
                case 0x69: { var g = new PickleGlobal(Line(), Line()); Push(New(g, PopMark().ToArray())); break; } // INST
                case 0x62: { var state = Pop(); Build(Peek(), state); break; } // BUILD

                case 0x50: Push(Persistent(Line())); break;      // PERSID
                case 0x51: Push(Persistent(Pop())); break;       // BINPERSID

                case 0x82 or 0x83 or 0x84: throw new PickleException("extension registry codes (EXT1/2/4) are not supported");
                case 0x97 or 0x98: throw new PickleException("out-of-band buffers (pickle 5) are not supported");
                default: throw new PickleException($"unknown opcode 0x{op:x2} at byte {_in.Position - 1}");
            }
        }
    }

    // ---- calls: the only place where a pickle could ask for code to run ----

    private object? Call(object? callable, object? args)
    {
        var argv = args as object?[] ?? throw new PickleException("REDUCE arguments are not a tuple");
        if (callable is PickleGlobal g)
        {
            switch (g.FullName)
            {
                case "collections.OrderedDict" or "builtins.dict":
                    var d = new PickleDict();
                    if (argv.Length == 1 && argv[0] is List<object?> pairs) SetPairs(d, pairs);
                    return d;
                case "_codecs.encode" when argv.Length == 2 && argv[0] is string s:
                    // Protocol 2 stores Python 3 bytes as encode(str, 'latin1').
                    return Encoding.Latin1.GetBytes(s);
                case "builtins.set" or "builtins.frozenset" or "builtins.list" or "builtins.tuple"
                    or "__builtin__.set" or "__builtin__.frozenset": // protocol 2 names Python 2 modules
                    return argv.Length == 1 && argv[0] is List<object?> l ? new List<object?>(l) : new List<object?>();
                case "torch.Size" when argv.Length == 1:
                    return argv[0];
            }
            var resolved = _resolver?.TryCall(g, argv);
            if (resolved is not null) return resolved;
        }
        return new PickleCall(callable, args);
    }

    private object? New(object? cls, object? args)
    {
        if (cls is PickleGlobal { FullName: "collections.OrderedDict" or "builtins.dict" }) return new PickleDict();
        if (cls is PickleGlobal g) return new PickleInstance(g, args);
        return new PickleCall(cls, args);
    }

    private static void Build(object? target, object? state)
    {
        if (target is IPickleBuildable b) b.SetState(state);
        // BUILD on other values (e.g. a rebuilt tensor's state) carries nothing we use.
    }

    private object? Persistent(object? pid)
    {
        if (_resolver is null) throw new PickleException("persistent reference in a pickle that has no storage");
        return _resolver.PersistentLoad(pid);
    }

    // ---- stack helpers ----

    private void Push(object? v) => _stack.Add(v);

    private object? Pop()
    {
        int floor = _marks.Count > 0 ? _marks.Peek() : 0;
        if (_stack.Count <= floor) throw new PickleException("stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek()
    {
        if (_stack.Count == 0) throw new PickleException("stack underflow");
        return _stack[^1];
    }

    private object?[] PopN(int n)
    {
        var r = new object?[n];
        for (int i = n - 1; i >= 0; i--) r[i] = Pop();
        return r;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw new PickleException("no MARK on the stack");
        int m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private List<object?> ListAt() => Peek() as List<object?> ?? throw new PickleException("APPEND to something that is not a list");
    private PickleDict DictAt() => Peek() as PickleDict ?? throw new PickleException("SETITEM on something that is not a dict");

    private static void SetItems(PickleDict d, List<object?> items)
    {
        if (items.Count % 2 != 0) throw new PickleException("odd number of dict items");
        for (int i = 0; i < items.Count; i += 2) d.Set(items[i], items[i + 1]);
    }

    private static void SetPairs(PickleDict d, List<object?> pairs)
    {
        foreach (var p in pairs)
            if (p is object?[] { Length: 2 } kv) d.Set(kv[0], kv[1]);
            else throw new PickleException("dict() argument is not a list of pairs");
    }

    private object? MemoGet(long key) =>
        _memo.TryGetValue(key, out var v) ? v : throw new PickleException($"memo key {key} was never stored");

    // ---- input helpers: every length is checked against what is left ----

    private int ReadByte()
    {
        int b = _in.ReadByte();
        return b >= 0 ? b : throw new PickleException("unexpected end of data");
    }

    private int Len(int width)
    {
        var b = Bytes(width);
        ulong n = width == 4 ? BitConverter.ToUInt32(b) : BitConverter.ToUInt64(b);
        if (n > (ulong)(_end - _in.Position)) throw new PickleException($"a {n}-byte value runs past the end of the data");
        if (n > int.MaxValue) throw new PickleException($"a {n}-byte value is too large");
        return (int)n;
    }

    private byte[] Bytes(int n)
    {
        if (n > _end - _in.Position) throw new PickleException("unexpected end of data");
        var b = new byte[n];
        _in.ReadExactly(b);
        return b;
    }

    private string Line()
    {
        var sb = new StringBuilder();
        while (true)
        {
            int c = ReadByte();
            if (c == '\n') return sb.ToString();
            if (sb.Length > 1_000_000) throw new PickleException("text line too long");
            sb.Append((char)c);
        }
    }

    private static string Utf8(byte[] b)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(b); }
        catch (DecoderFallbackException) { throw new PickleException("string is not valid UTF-8"); }
    }

    private static object ParseIntLine(string s) => s switch
    {
        "01" => true,
        "00" => false,
        _ => Normalize(ParseBig(s)),
    };

    private static BigInteger ParseBig(string s) =>
        s.Length <= 10_000 && BigInteger.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, null, out var v)
            ? v : throw new PickleException("malformed integer");

    private static double ParseFloat(string s) =>
        double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d : throw new PickleException("malformed float");

    private static long ParseMemoKey(string s) =>
        long.TryParse(s, out var k) ? k : throw new PickleException("malformed memo key");

    private static string ParseQuoted(string s) =>
        s.Length >= 2 && (s[0] == '\'' || s[0] == '"') && s[^1] == s[0] ? s[1..^1] : throw new PickleException("malformed STRING");

    // The cast to object matters: without it the conditional's type is BigInteger and every value stays one.
    private static object Normalize(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;
}

/// <summary>The pickle data is malformed or uses something we do not support.</summary>
public sealed class PickleException(string message) : Exception(message);
