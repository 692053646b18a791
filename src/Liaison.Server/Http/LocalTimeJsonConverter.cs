using System.Text.Json;
using System.Text.Json.Serialization;

namespace Liaison.Server.Http;

/// <summary>
/// Writes every instant in the zone's local offset (e.g. <c>2026-03-09T18:00:00+08:00</c>), so API times read the way
/// officers think of them; reading accepts any offset.
/// </summary>
public sealed class LocalTimeJsonConverter(TimeZoneInfo zone) : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(TimeZoneInfo.ConvertTime(value, zone));
}
