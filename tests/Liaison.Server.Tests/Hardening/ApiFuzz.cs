using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace Liaison.Server.Tests.Hardening;

/// <summary>One request of the fuzz: an operation of the OpenAPI document with one thing wrong in it.</summary>
public sealed record FuzzRequest(string Operation, HttpMethod Method, string Url, byte[]? Body, string? ContentType, string Mistake, bool Anonymous)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Url);
        message.Headers.Accept.ParseAdd("application/json");
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            }
        }

        return message;
    }

    public override string ToString() => $"{Operation} [{(Anonymous ? "anonymous, " : "")}{Mistake}] {(Url.Length > 160 ? Url[..160] + "…" : Url)}";
}

/// <summary>Draws the fuzz's requests from the OpenAPI document: per operation, body-level mistakes always, then a sample of field, query and path mistakes.</summary>
public static class ApiFuzz
{
    /// <summary>Routes a stranger may call; they are fuzzed anonymously as well as as an admin.</summary>
    private static readonly HashSet<string> AnonymousRoutes = ["/api/auth/login"];

    private const int FieldMistakesPerOperation = 30;
    private const string Marker = "\"__FUZZ__\"";

    private static readonly string Megabyte = new('x', 1 << 20);

    /// <summary>Raw JSON values put in place of one field: wrong types, nulls, sizes, characters and extremes.</summary>
    private static readonly (string Name, string Json)[] FieldValues =
    [
        ("null", "null"), ("number for anything", "12345"), ("string for anything", "\"text\""), ("bool", "true"),
        ("object", "{}"), ("array", "[]"), ("nested array", "[[[[1]]]]"), ("empty string", "\"\""), ("blank", "\"   \""),
        ("U+0000", "\"a\\u0000b\""), ("only U+0000", "\"\\u0000\""), ("lone high surrogate", "\"x\\ud800y\""), ("lone low surrogate", "\"\\udc00\""),
        ("1 MB string", "\"" + Megabyte + "\""), ("unicode", "\"𠀀😀\\u202e مرحبا \\u0301\\ufeff\""), ("control characters", "\"\\u0001\\u001f\\t\\n\""),
        ("-1", "-1"), ("0", "0"), ("int overflow", "2147483648"), ("long overflow", "-9223372036854775809"), ("1e308", "1e308"),
        ("fraction", "1.5"), ("NaN string", "\"NaN\""), ("unknown enum value", "\"no-such-value\""),
        ("min date", "\"0001-01-01T00:00:00Z\""), ("max date", "\"9999-12-31T23:59:59Z\""), ("min date east", "\"0001-01-01T00:00:00+14:00\""),
        ("max date west", "\"9999-12-31T23:59:59-14:00\""), ("year 10000", "\"10000-01-01\""), ("30 February", "\"2026-02-30\""),
        ("min date only", "\"0001-01-01\""), ("max date only", "\"9999-12-31\""), ("deep array", new string('[', 10_000) + new string(']', 10_000)),
    ];

    private static readonly string[] QueryValues =
    [
        "", "%00", "a%00b", "%ED%A0%80", "%FF%FE", "%F0%A0%80%80%F0%9F%98%80", new string('x', 4_000), new string('x', 10_000), "-1", "0", "2147483647",
        "2147483648", "-2147483648", "99999999999999999999", "1e308", "NaN", "1.5", "true", "no-such-value", "0001-01-01", "9999-12-31",
        "10000-01-01", "0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00", "2026-02-30", "%ZZ",
    ];

    private static readonly string[] PathValues =
    [
        "%00", "a%00b", "%ED%A0%80", "%FF", new string('x', 2_000), "-1", "0", "2147483648", "99999999999999999999", "%F0%9F%98%80",
        "%20", "no-such-thing", "1.5",
    ];

    /// <param name="bodies">Real bodies for operations whose schema says little (a workflow definition is any JSON object), by "METHOD /path".</param>
    public static List<FuzzRequest> Plan(JsonElement doc, IReadOnlyDictionary<string, string> known, IReadOnlyDictionary<string, JsonNode> bodies, Random random)
    {
        var requests = new List<FuzzRequest>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "delete" or "patch"))
            {
                var plan = PlanOperation(doc, path.Name, new HttpMethod(operation.Name.ToUpperInvariant()), operation.Value, known, bodies, random);
                requests.AddRange(plan);
                if (AnonymousRoutes.Contains(path.Name))
                {
                    requests.AddRange(plan.Select(r => r with { Anonymous = true }));
                }
            }
        }

        return requests;
    }

    private static List<FuzzRequest> PlanOperation(
        JsonElement doc, string path, HttpMethod method, JsonElement operation, IReadOnlyDictionary<string, string> known, IReadOnlyDictionary<string, JsonNode> bodies, Random random)
    {
        var name = $"{method} {path}";
        var parameters = operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
        var pathParams = parameters.Where(x => x.GetProperty("in").GetString() == "path").ToList();
        var queryParams = parameters.Where(x => x.GetProperty("in").GetString() == "query").Select(x => x.GetProperty("name").GetString()!).ToList();
        var values = pathParams.ToDictionary(x => x.GetProperty("name").GetString()!, x => KnownValue(doc, x, known));
        string Url(IReadOnlyDictionary<string, string> pathValues, string query = "") =>
            pathValues.Aggregate(path, (u, v) => u.Replace("{" + v.Key + "}", v.Value)) + (query.Length > 0 ? "?" + query : "");

        var baseUrl = Url(values);
        string? contentType = null;
        JsonNode? baseBody = null;
        if (operation.TryGetProperty("requestBody", out var requestBody))
        {
            var content = requestBody.GetProperty("content").EnumerateObject().First();
            contentType = content.Name;
            baseBody = bodies.TryGetValue(name, out var real) ? real.DeepClone()
                : content.Name.Contains("json") && content.Value.TryGetProperty("schema", out var schema) ? Sample(doc, schema, "", 0) : new JsonObject();
        }

        FuzzRequest Request(string mistake, string url, string? body, string? type = null) =>
            new(name, method, url, body is null ? null : Encoding.UTF8.GetBytes(body), body is null ? null : type ?? contentType, mistake, false);

        var always = new List<FuzzRequest>();
        var sampled = new List<FuzzRequest>();
        if (contentType is not null)
        {
            var valid = baseBody!.ToJsonString();
            always.AddRange(
            [
                Request("valid body", baseUrl, valid),
                Request("empty body", baseUrl, ""),
                Request("no body", baseUrl, null),
                Request("text/plain", baseUrl, valid, "text/plain"),
                Request("form content type", baseUrl, valid, "application/x-www-form-urlencoded"),
                Request("truncated JSON", baseUrl, valid[..(valid.Length / 2)]),
                Request("not JSON", baseUrl, "nul"),
                Request("null body", baseUrl, "null"),
                Request("array body", baseUrl, "[]"),
                Request("number body", baseUrl, "42"),
                Request("string body", baseUrl, "\"x\""),
                Request("trailing garbage", baseUrl, valid + " xyz"),
                Request("10,000 nested arrays", baseUrl, new string('[', 10_000) + new string(']', 10_000)),
                Request("10,000 nested objects", baseUrl, string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)),
                Request("1 MB unknown property", baseUrl, valid.Length > 2 ? valid[..^1] + (valid.Length > 2 ? "," : "") + "\"zzz\":\"" + Megabyte + "\"}" : valid),
                new(name, method, baseUrl, InvalidUtf8(valid), contentType, "invalid UTF-8 bytes", false),
            ]);
            foreach (var (field, _) in Fields(baseBody, ""))
            {
                foreach (var (mistake, json) in FieldValues)
                {
                    sampled.Add(Request($"{field} = {mistake}", baseUrl, WithField(baseBody, field, json)));
                }
            }
        }

        foreach (var query in queryParams)
        {
            foreach (var value in QueryValues)
            {
                sampled.Add(Request($"?{query}={Short(value)}", Url(values, $"{query}={value}"), null));
            }
        }

        if (queryParams.Contains("page"))
        {
            always.Add(Request("page=-1", Url(values, "page=-1"), null));
            always.Add(Request("page=2147483647", Url(values, "page=2147483647" + (queryParams.Contains("pageSize") ? "&pageSize=2147483647" : "")), null));
        }

        foreach (var (param, _) in values)
        {
            foreach (var value in PathValues)
            {
                var changed = new Dictionary<string, string>(values) { [param] = value };
                sampled.Add(Request($"{{{param}}}={Short(value)}", Url(changed), baseBody?.ToJsonString()));
            }
        }

        return [.. always, .. sampled.OrderBy(_ => random.Next()).Take(FieldMistakesPerOperation)];
    }

    private static string Short(string value) => value.Length > 20 ? $"{value[..5]}…({value.Length} chars)" : value;

    private static byte[] InvalidUtf8(string json)
    {
        var at = json.IndexOf(":\"", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var index = at < 0 ? 0 : Encoding.UTF8.GetByteCount(json[..(at + 2)]);
        bytes.InsertRange(index, new byte[] { 0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80 });
        return [.. bytes];
    }

    private static string KnownValue(JsonElement doc, JsonElement parameter, IReadOnlyDictionary<string, string> known)
    {
        var name = parameter.GetProperty("name").GetString()!;
        var schema = parameter.TryGetProperty("schema", out var s) ? Resolve(doc, s) : default;
        var format = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        return format == "uuid" && known.TryGetValue(name + ":guid", out var g) ? g
            : format is "int64" or "int32" && known.TryGetValue(name + ":long", out var l) ? l
            : known.TryGetValue(name, out var v) ? v
            : format == "uuid" ? Guid.NewGuid().ToString() : "1";
    }

    /// <summary>The paths of the body's fields (objects and arrays' first items), at most three levels deep.</summary>
    private static IEnumerable<(string Path, JsonNode? Node)> Fields(JsonNode? node, string prefix, int depth = 0)
    {
        if (depth > 3)
        {
            yield break;
        }

        if (node is JsonObject o)
        {
            foreach (var (key, value) in o)
            {
                var path = prefix.Length == 0 ? key : prefix + "." + key;
                yield return (path, value);
                foreach (var inner in Fields(value, path, depth + 1))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray { Count: > 0 } a)
        {
            var path = prefix + "[0]";
            yield return (path, a[0]);
            foreach (var inner in Fields(a[0], path, depth + 1))
            {
                yield return inner;
            }
        }
    }

    private static string WithField(JsonNode body, string field, string json)
    {
        var copy = body.DeepClone();
        JsonNode parent = copy;
        var parts = field.Replace("[0]", ".[0]").Split('.');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            parent = parts[i] == "[0]" ? parent.AsArray()[0]! : parent[parts[i]]!;
        }

        var last = parts[^1];
        if (last == "[0]")
        {
            parent.AsArray()[0] = "__FUZZ__";
        }
        else
        {
            parent[last] = "__FUZZ__";
        }

        return copy.ToJsonString().Replace(Marker, json);
    }

    private static JsonElement Resolve(JsonElement doc, JsonElement schema)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            schema = doc.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/').Last());
        }

        return schema;
    }

    private static int _unique;

    /// <summary>A plausible value for <paramref name="schema"/>: the base each mistake is made in.</summary>
    private static JsonNode? Sample(JsonElement doc, JsonElement schema, string name, int depth)
    {
        schema = Resolve(doc, schema);
        if (schema.ValueKind != JsonValueKind.Object || depth > 5)
        {
            return null;
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                var first = options.EnumerateArray().Select(o => Resolve(doc, o)).FirstOrDefault(o => !IsNull(o));
                return first.ValueKind == JsonValueKind.Object ? Sample(doc, first, name, depth) : null;
            }
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return JsonNode.Parse(values.EnumerateArray().First(v => v.ValueKind != JsonValueKind.Null).GetRawText());
        }

        var type = TypeOf(schema);
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (type)
        {
            case "object":
                var o = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        o[property.Name] = Sample(doc, property.Value, property.Name, depth + 1);
                    }
                }

                return o;
            case "array":
                return schema.TryGetProperty("items", out var items) ? new JsonArray(Sample(doc, items, name, depth + 1)) : new JsonArray();
            case "integer":
                return 1;
            case "number":
                return 1.5;
            case "boolean":
                return true;
            case "string":
                return format switch
                {
                    "date-time" => "2026-03-10T09:00:00+08:00",
                    "date" => "2026-03-10",
                    "time" => "09:00:00",
                    "uuid" => Guid.NewGuid().ToString(),
                    _ => name switch
                    {
                        "email" => $"fuzz-{Interlocked.Increment(ref _unique)}@test.example",
                        "password" => "fuzz-wrong-password-1",
                        "departmentCode" or "code" => "fgj",
                        "creditCode" => Cases.CaseTestKit.CreditCode,
                        "category" => "factor-guarantee",
                        "priority" => "normal",
                        "role" => "Officer",
                        _ => "示例",
                    },
                };
            default:
                return null;
        }
    }

    private static bool IsNull(JsonElement schema) => TypeOf(schema) == "null";

    private static string? TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : null;
        }

        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null")
            : type.GetString();
    }
}

/// <summary>
/// A cheap fingerprint of the application's tables (row count and a sum of row hashes each), to tell whether a request
/// changed anything. The data-protection key ring is left out: it is the framework's, not the caller's. So are the
/// sign-in back-off counts: a refused sign-in is meant to count (that is the throttle).
/// </summary>
public sealed class DatabaseFingerprint(string connectionString, string query)
{
    public static async Task<DatabaseFingerprint> CreateAsync(Infrastructure.LiaisonApp app)
    {
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' " +
            "AND table_name NOT IN ('data_protection_keys', '__ef_migrations_history', 'sign_in_failures') ORDER BY table_name", connection);
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var query = string.Join(" UNION ALL ", tables.Select(t =>
            $"SELECT '{t}' || ':' || count(*) || ':' || coalesce(sum(hashtext(x::text)::bigint), 0) FROM public.\"{t}\" x"));
        return new DatabaseFingerprint(app.ConnectionString, query);
    }

    public async Task<string> TakeAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            parts.Add(reader.GetString(0));
        }

        return string.Join(";", parts);
    }

    public static string Difference(string before, string after) =>
        string.Join(", ", after.Split(';').Except(before.Split(';')).Select(t => t.Split(':')[0]));
}
