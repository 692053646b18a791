using System.Collections;
using System.Dynamic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// Converts between the loose values scripts and JSON produce and the typed values activities and variables hold.
/// Everything is culture-invariant.
/// </summary>
public static class ValueConverter
{
    internal static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web);

    /// <summary>Converts <paramref name="value"/> to <paramref name="type"/>; throws <see cref="FormatException"/> when it cannot.</summary>
    public static object? ConvertTo(object? value, Type type)
    {
        if (value is JsonValue jv) value = Unwrap(jv);
        if (value == null)
            return type.IsValueType && Nullable.GetUnderlyingType(type) == null ? Activator.CreateInstance(type) : null;
        if (type.IsInstanceOfType(value)) return value;
        var target = Nullable.GetUnderlyingType(type) ?? type;

        if (target == typeof(string)) return ToText(value);
        if (target == typeof(object)) return value;
        if (typeof(JsonNode).IsAssignableFrom(target)) return ToJsonNode(value);
        if (target == typeof(bool)) return ToBool(value);
        if (target.IsEnum)
        {
            if (value is string es)
                return Enum.TryParse(target, es.Trim(), ignoreCase: true, out var ev) ? ev : throw new FormatException($"'{es}' is not one of {string.Join(", ", Enum.GetNames(target))}.");
            return Enum.ToObject(target, System.Convert.ToInt64(value, CultureInfo.InvariantCulture));
        }
        if (target == typeof(TimeSpan)) return ToTimeSpan(value);
        if (target == typeof(DateTimeOffset))
        {
            return value switch
            {
                DateTime dt => new DateTimeOffset(dt),
                string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                _ => throw new FormatException($"Cannot convert {value.GetType().Name} to DateTimeOffset."),
            };
        }
        if (target == typeof(string[]) || target == typeof(List<string>) || target == typeof(IReadOnlyList<string>))
        {
            var list = ToStringList(value);
            return target == typeof(List<string>) ? list : list.ToArray();
        }
        if (value is string str && IsNumeric(target))
            return System.Convert.ChangeType(double.Parse(str, NumberStyles.Float, CultureInfo.InvariantCulture), target, CultureInfo.InvariantCulture);
        if (value is IConvertible && target.IsPrimitive || target == typeof(decimal))
            return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        try
        {
            return ToJsonNode(value).Deserialize(target, CamelCase);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Cannot convert {value.GetType().Name} to {target.Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Converts to the CLR type named by an Elsa variable's <c>typeName</c>; unknown names keep the loose value.</summary>
    public static object? ForTypeName(object? value, string? typeName)
    {
        var type = ClrTypeOf(typeName);
        return type == null ? Loose(value) : ConvertTo(value, type);
    }

    public static Type? ClrTypeOf(string? typeName) => typeName switch
    {
        "String" or "string" => typeof(string),
        "Int32" or "int" => typeof(int),
        "Int64" or "long" => typeof(long),
        "Double" or "Single" or "double" or "float" => typeof(double),
        "Decimal" or "decimal" => typeof(decimal),
        "Boolean" or "bool" => typeof(bool),
        "DateTime" or "DateTimeOffset" => typeof(DateTimeOffset),
        "TimeSpan" => typeof(TimeSpan),
        _ => null,
    };

    /// <summary>Normalises script output: JS objects/arrays become JSON nodes, JSON scalars become CLR scalars.</summary>
    public static object? Loose(object? value) => value switch
    {
        null => null,
        JsonValue jv => Unwrap(jv),
        JsonNode n => n,
        string or bool or int or long or double or decimal or DateTimeOffset or TimeSpan => value,
        ExpandoObject or IDictionary or IEnumerable and not string => ToJsonNode(value),
        _ => value,
    };

    public static object? Unwrap(JsonValue v) => v.GetValueKind() switch
    {
        JsonValueKind.String => v.GetValue<string>(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Number => v.TryGetValue<int>(out var i) ? i : v.TryGetValue<long>(out var l) ? l : v.GetValue<double>(),
        _ => v.ToJsonString(),
    };

    /// <summary>A detached JSON copy of any value (safe to attach to another tree).</summary>
    public static JsonNode? ToJsonNode(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        decimal m => JsonValue.Create(m),
        DateTimeOffset dto => JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture)),
        TimeSpan ts => JsonValue.Create(ts.ToString("c", CultureInfo.InvariantCulture)),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), CamelCase),
    };

    public static string? ToText(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "True" : "False",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.ToString("O", CultureInfo.InvariantCulture),
        TimeSpan ts => ts.ToString("c", CultureInfo.InvariantCulture),
        JsonValue jv => ToText(Unwrap(jv)),
        JsonNode n => n.ToJsonString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        ExpandoObject or IDictionary or IEnumerable => ToJsonNode(value)?.ToJsonString(),
        _ => value.ToString(),
    };

    public static bool ToBool(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s when bool.TryParse(s.Trim(), out var b) => b,
        string s => throw new FormatException($"'{s}' is not true or false."),
        double d => d != 0 && !double.IsNaN(d),
        int i => i != 0,
        long l => l != 0,
        JsonValue jv => ToBool(Unwrap(jv)),
        _ => true,
    };

    /// <summary>Accepts "00:00:05", "1.02:00:00", ISO 8601 "PT5S", or a number of milliseconds.</summary>
    public static TimeSpan ToTimeSpan(object? value)
    {
        switch (value)
        {
            case TimeSpan ts: return ts;
            case string s:
                s = s.Trim();
                if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t)) return t;
                if (s.StartsWith('P') || s.StartsWith("-P", StringComparison.Ordinal))
                {
                    try { return XmlConvert.ToTimeSpan(s); }
                    catch (FormatException) { }
                }
                throw new FormatException($"'{s}' is not a time span (expected e.g. \"00:00:05\" or \"PT5S\").");
            case double or int or long:
                return TimeSpan.FromMilliseconds(System.Convert.ToDouble(value, CultureInfo.InvariantCulture));
            default:
                throw new FormatException($"Cannot convert {value?.GetType().Name ?? "null"} to a time span.");
        }
    }

    private static JsonArray? TryParseArray(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static List<string> ToStringList(object? value)
    {
        var list = new List<string>();
        switch (value)
        {
            case null: break;
            case string s when s.TrimStart().StartsWith('[') && TryParseArray(s) is { } parsed:
                return ToStringList(parsed);
            case string s:
                foreach (var part in s.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    list.Add(part);
                break;
            case JsonArray arr:
                foreach (var item in arr)
                    if (ToText(item) is { Length: > 0 } t) list.Add(t);
                break;
            case IEnumerable e:
                foreach (var item in e)
                    if (ToText(item) is { Length: > 0 } t) list.Add(t);
                break;
            default:
                list.Add(ToText(value)!);
                break;
        }
        return list;
    }

    private static bool IsNumeric(Type t) =>
        t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(decimal) || t == typeof(float) || t == typeof(short);

    /// <summary>Plain dictionaries/lists/scalars for Liquid, which cannot walk JsonNodes.</summary>
    internal static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v => Unwrap(v),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value), StringComparer.OrdinalIgnoreCase),
        _ => null,
    };
}
