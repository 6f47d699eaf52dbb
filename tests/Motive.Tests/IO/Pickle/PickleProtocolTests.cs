using System.Numerics;
using Motive.IO.Pickle;
using Motive.Tests.Support;

namespace Motive.Tests.IO;

/// <summary>
/// The pickle interpreter against byte streams that CPython 3.11's pickle module produced, once, for the object
/// {'a': [1, -2, 2.5, 'x', b'yz', (True, None, False)], 'big': 2**70, 'neg': -2**40, 'long': 'é'*130,
///  'od': OrderedDict([('k', 1)]), 's': {3}, 'fs': frozenset([4]), 'nested': [[1], [1]], 'shared': &lt;same list as 'a'&gt;}
/// at protocols 2 to 5: each must decode to the same values.
/// </summary>
[Trait(Tier.Category, Tier.Unit)]
public class PickleProtocolTests
{
    [Theory]
    [InlineData(2, "80027d71002858010000006171015d7102284b014afeffffff4740040000000000005801000000787103635f636f646563730a656e636f64650a71045802000000797a710558060000006c6174696e317106867107527108884e89877109655803000000626967710a8a0900000000000000004058030000006e6567710b8a060000000000ff58040000006c6f6e67710c5804010000c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9710d58020000006f64710e63636f6c6c656374696f6e730a4f726465726564446963740a710f2952711058010000006b71114b01735801000000737112635f5f6275696c74696e5f5f0a7365740a71135d71144b0361857115527116580200000066737117635f5f6275696c74696e5f5f0a66726f7a656e7365740a71185d71194b046185711a52711b58060000006e6573746564711c5d711d285d711e4b01615d711f4b016165580600000073686172656471206802752e")]
    [InlineData(3, "80037d71002858010000006171015d7102284b014afeffffff47400400000000000058010000007871034302797a7104884e8987710565580300000062696771068a0900000000000000004058030000006e656771078a060000000000ff58040000006c6f6e6771085804010000c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9710958020000006f64710a63636f6c6c656374696f6e730a4f726465726564446963740a710b2952710c58010000006b710d4b0173580100000073710e636275696c74696e730a7365740a710f5d71104b0361857111527112580200000066737113636275696c74696e730a66726f7a656e7365740a71145d71154b046185711652711758060000006e657374656471185d7119285d711a4b01615d711b4b0161655806000000736861726564711c6802752e")]
    [InlineData(4, "800495be010000000000007d94288c0161945d94284b014afeffffff4740040000000000008c0178944302797a94884e898794658c03626967948a090000000000000000408c036e6567948a060000000000ff8c046c6f6e67945804010000c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9948c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b01738c0173948f94284b03908c02667394284b0491948c066e6573746564945d94285d944b01615d944b0161658c06736861726564946802752e")]
    [InlineData(5, "800595be010000000000007d94288c0161945d94284b014afeffffff4740040000000000008c0178944302797a94884e898794658c03626967948a090000000000000000408c036e6567948a060000000000ff8c046c6f6e67945804010000c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9948c026f64948c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c016b944b01738c0173948f94284b03908c02667394284b0491948c066e6573746564945d94285d944b01615d944b0161658c06736861726564946802752e")]
    public void CPythonPickle_EveryProtocol_DecodesToTheSameObject(int protocol, string hex)
    {
        var root = Assert.IsType<PickleDict>(PickleReader.Load(Convert.FromHexString(hex)));
        Assert.True(protocol is >= 2 and <= 5);
        Assert.True(root.TryGet("a", out var a));
        var list = Assert.IsType<List<object?>>(a);
        Assert.Equal(1L, list[0]);
        Assert.Equal(-2L, list[1]);
        Assert.Equal(2.5, list[2]);
        Assert.Equal("x", list[3]);
        Assert.Equal("yz"u8.ToArray(), Assert.IsType<byte[]>(list[4]));
        Assert.Equal(new object?[] { true, null, false }, Assert.IsType<object?[]>(list[5]));
        Assert.True(root.TryGet("big", out var big));
        Assert.Equal(BigInteger.Pow(2, 70), big);
        Assert.True(root.TryGet("neg", out var neg));
        Assert.Equal(-(1L << 40), neg);
        Assert.True(root.TryGet("long", out var s));
        Assert.Equal(new string('é', 130), s);
        Assert.True(root.TryGet("od", out var od));
        Assert.True(Assert.IsType<PickleDict>(od).TryGet("k", out var k) && k is 1L);
        Assert.True(root.TryGet("s", out var set));
        Assert.Equal(new List<object?> { 3L }, set);
        Assert.True(root.TryGet("fs", out var fs));
        Assert.Equal(new List<object?> { 4L }, fs);
        Assert.True(root.TryGet("shared", out var shared));
        Assert.Same(a, shared); // the memo gives back the same object
    }

    [Fact]
    public void Protocol5_ByteArray8_Decodes() =>
        Assert.Equal("ab"u8.ToArray(), PickleReader.Load(Convert.FromHexString("8005950d000000000000009602000000000000006162942e")));

    [Theory]
    [InlineData("80028c", "unexpected end")]            // SHORT_BINUNICODE without its length
    [InlineData("8002", "without STOP")]
    [InlineData("800230", "stack underflow")]           // POP on an empty stack
    [InlineData("800268052e", "memo key 5")]            // BINGET of a key never stored
    [InlineData("8002ff2e", "unknown opcode 0xff")]
    [InlineData("8002430a61622e", "unexpected end")]    // SHORT_BINBYTES longer than the data
    [InlineData("800258ffffff7f2e", "runs past the end")] // BINUNICODE claiming 2 GB
    [InlineData("8002820100", "extension registry")]
    public void MalformedPickles_FailWithAClearReason(string hex, string reason)
    {
        var e = Assert.Throws<PickleException>(() => PickleReader.Load(Convert.FromHexString(hex)));
        Assert.Contains(reason, e.Message);
    }
}
