using System.Security.Cryptography;
using System.Text.Json;

namespace Liaison.Server.Cases;

/// <summary>
/// What a request sent with a request id asked for, as a hash of its content normalized (text trimmed, blank as
/// absent), kept with the id (<see cref="CaseActionRequest.Fingerprint"/>). The same id again with the same content is
/// that request again, answered as it was; with other content it is another request reusing the id, and refused.
/// </summary>
public static class RequestFingerprint
{
    /// <param name="parts">The request's content: text, numbers, flags, and arrays of them (a joint case's co-handling rows).</param>
    public static byte[] Of(params object?[] parts) => SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(parts.Select(Normal).ToArray()));

    /// <summary>Two requests' fingerprints are the same request's; a row from before fingerprints were kept matches any.</summary>
    public static bool Same(byte[]? earlier, byte[]? now) => earlier is null || now is null || earlier.AsSpan().SequenceEqual(now);

    private static object? Normal(object? value) => value switch
    {
        string s => string.IsNullOrWhiteSpace(s) ? null : s.Trim(),
        object?[] many => many.Select(Normal).ToArray(),
        _ => value,
    };
}
