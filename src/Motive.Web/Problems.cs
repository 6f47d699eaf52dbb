using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Motive.IO;
using Motive.Methods.Editing;

namespace Motive.Web;

/// <summary>A client sent more than the server takes (answered 413).</summary>
public sealed class PayloadTooLargeException(string message) : Exception(message);

/// <summary>
/// Every failure as one problem+json answer with one clear line: bad input 400, too large 413, queue full 429 (with
/// Retry-After), anything unforeseen 500 without internals. No stack trace ever reaches a client.
/// </summary>
public static class Problems
{
    public static IResult Of(int status, string detail, string? title = null) =>
        Results.Problem(detail: detail, statusCode: status, title: title ?? Title(status));

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        404 => "Not found",
        409 => "Conflict",
        413 => "Too large",
        415 => "Unsupported media type",
        429 => "Too many jobs",
        _ => "Server error",
    };

    /// <summary>Maps exceptions thrown by handlers (and the library under them) to answers.</summary>
    public static async Task Handle(HttpContext ctx, Func<Task> next, TextWriter log)
    {
        try
        {
            await next();
        }
        catch (Exception e) when (!ctx.Response.HasStarted && Answer(e) is var (status, detail))
        {
            if (status == 500) log.WriteLine($"motive serve: {ctx.Request.Method} {ctx.Request.Path} failed: {e.GetType().Name}: {e.Message}");
            if (e is EditQueueFullException) ctx.Response.Headers.RetryAfter = "5";
            await Of(status, detail).ExecuteAsync(ctx);
        }
    }

    private static (int, string) Answer(Exception e) => e switch
    {
        PayloadTooLargeException => (413, e.Message),
        BadHttpRequestException b when b.StatusCode == 413 => (413, "the request body is larger than this server takes"),
        BadHttpRequestException b => (b.StatusCode, b.Message),
        InvalidDataException => (400, "the upload is not well-formed multipart/form-data: " + e.Message),
        EditQueueFullException => (429, e.Message),
        MotiveFormatException or ArgumentException or JsonException => (400, e.Message.ReplaceLineEndings(" ")),
        OperationCanceledException => (400, "the request was cancelled before it was read"),
        _ => (500, $"the server failed ({e.GetType().Name}); the log has the details"),
    };

    /// <summary>When a token guards the server: API calls carry "Authorization: Bearer TOKEN" (GETs may say ?access_token=, as an EventSource cannot set headers).</summary>
    public static bool Authorized(HttpContext ctx, string token)
    {
        string? given = null;
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal)) given = header[7..].Trim();
        else if (HttpMethods.IsGet(ctx.Request.Method) && ctx.Request.Query.TryGetValue("access_token", out var q)) given = q.ToString();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
    }
}

/// <summary>Request bodies read with a bound, so a client cannot make the server hold more than it allows.</summary>
public static class Bodies
{
    public static async Task<string> ReadJson(HttpRequest request, long limit, CancellationToken cancel)
    {
        if (request.ContentLength > limit) throw new PayloadTooLargeException($"the request body is {request.ContentLength} bytes; this server takes at most {limit} bytes of JSON");
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + n > limit) throw new PayloadTooLargeException($"the request body is over {limit} bytes; this server takes at most that much JSON");
            buffer.Write(chunk, 0, n);
        }
        if (buffer.Length == 0) throw new ArgumentException("the request body is empty: send the request as JSON");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new ArgumentException("the request body is not UTF-8 text");
        }
    }

    /// <summary>The bytes of multipart field <paramref name="field"/>, at most <paramref name="limit"/>; errors name what is missing.</summary>
    public static async Task<(byte[] Data, string Name)> ReadFile(HttpRequest request, string field, long limit, CancellationToken cancel)
    {
        if (!request.HasFormContentType) throw new ArgumentException($"send the picture as multipart/form-data with the field \"{field}\"");
        if (request.ContentLength > limit + 65536) throw new PayloadTooLargeException($"the upload is {request.ContentLength} bytes; this server takes at most {limit} bytes");
        var form = await request.ReadFormAsync(cancel);
        var file = form.Files.GetFile(field) ?? throw new ArgumentException($"the form has no file field \"{field}\"");
        if (file.Length > limit) throw new PayloadTooLargeException($"the upload is {file.Length} bytes; this server takes at most {limit} bytes");
        if (file.Length == 0) throw new ArgumentException("the uploaded file is empty");
        using var s = new MemoryStream();
        await file.CopyToAsync(s, cancel);
        var name = new string(file.FileName.Where(c => !char.IsControl(c)).Take(80).ToArray());
        return (s.ToArray(), $"the upload '{(name.Length > 0 ? name : field)}'");
    }
}
