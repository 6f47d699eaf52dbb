using System.Text;

namespace Motive.IO.Pickle;

/// <summary>Emits the few pickle opcodes (protocol 2) needed to save tensors the way torch.save does.</summary>
public sealed class PickleWriter
{
    private readonly MemoryStream _out = new();

    public PickleWriter() => _out.Write([0x80, 2]); // PROTO 2

    public PickleWriter Mark() => Op(0x28);
    public PickleWriter Tuple() => Op(0x74);
    public PickleWriter EmptyTuple() => Op(0x29);
    public PickleWriter Reduce() => Op(0x52);
    public PickleWriter BinPersId() => Op(0x51);
    public PickleWriter False() => Op(0x89);
    public PickleWriter EmptyDict() => Op(0x7d);
    public PickleWriter SetItem() => Op(0x73);

    public PickleWriter Global(string module, string name)
    {
        _out.WriteByte(0x63);
        _out.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        return this;
    }

    public PickleWriter String(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        _out.WriteByte(0x58); // BINUNICODE
        _out.Write(BitConverter.GetBytes(b.Length));
        _out.Write(b);
        return this;
    }

    public PickleWriter Int(long v)
    {
        if (v is >= int.MinValue and <= int.MaxValue)
        {
            _out.WriteByte(0x4a); // BININT
            _out.Write(BitConverter.GetBytes((int)v));
        }
        else
        {
            _out.WriteByte(0x8a); // LONG1
            _out.WriteByte(8);
            _out.Write(BitConverter.GetBytes(v));
        }
        return this;
    }

    public PickleWriter Ints(IEnumerable<long> values)
    {
        Mark();
        foreach (var v in values) Int(v);
        return Tuple();
    }

    public byte[] Stop()
    {
        Op(0x2e);
        return _out.ToArray();
    }

    /// <summary>Bytes as they are (an opcode's argument: a length, a payload).</summary>
    public PickleWriter Raw(byte[] bytes)
    {
        _out.Write(bytes);
        return this;
    }

    /// <summary>Emits one opcode with no argument.</summary>
    public PickleWriter Op(byte op)
    {
        _out.WriteByte(op);
        return this;
    }
}
