using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Liaison.Cases.Routing;
using Liaison.Cases.Sla;
using Liaison.Server.Common;

namespace Liaison.Server.Cases;

/// <summary>
/// The case of a designer "try it" run as JSON: the fields <c>getCase()</c> shows (camelCase; priority and status as
/// <c>normal</c>, <c>in-progress</c>, …). An admin's edited case is laid over the sample, so a partial one such as
/// <c>{"priority":"urgent"}</c> is enough; unknown fields and impossible values are refused with the field's name.
/// </summary>
public static class TestRunCase
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject ToJson(CaseSnapshot snapshot) => JsonSerializer.SerializeToNode(snapshot, Json)!.AsObject();

    /// <summary>The sample with the caller's fields laid over it, or the mistakes by field path (<c>case.priority</c>, …).</summary>
    public static (CaseSnapshot? Case, IDictionary<string, string[]>? Errors) Read(
        JsonObject subject, CaseSnapshot sample, IReadOnlyDictionary<string, DepartmentContact> departments)
    {
        var v = new Validation();
        var merged = ToJson(sample);
        foreach (var (name, value) in subject)
        {
            var known = merged.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                v.Add($"case.{name}", "不是事项的字段", $"is not a field of the case; use {string.Join(", ", merged.Select(p => p.Key))}");
                continue;
            }

            merged[known] = value?.DeepClone();
        }

        if (!v.IsValid)
        {
            return (null, v.ToDictionary());
        }

        CaseSnapshot c;
        try
        {
            c = merged.Deserialize<CaseSnapshot>(Json)!;
        }
        catch (JsonException ex)
        {
            var path = ex.Path is { Length: > 1 } p && p.StartsWith("$.", StringComparison.Ordinal) ? "case." + p[2..] : "case";
            v.Add(path, "值的类型或取值不对", $"has the wrong type or value ({FirstSentence(ex.Message)})");
            return (null, v.ToDictionary());
        }

        c.Number = v.RequiredLine("case.number", c.Number, 40);
        c.Title = v.RequiredLine("case.title", c.Title, 200);
        if (CaseCategories.FindDefault(c.Category) is null)
        {
            v.Add("case.category", $"未知类别 {c.Category}",
                $"unknown category '{c.Category}'; use {string.Join(", ", CaseCategories.Defaults.Select(x => x.Code))}");
        }

        if (!departments.ContainsKey(c.DepartmentCode))
        {
            v.Add("case.departmentCode", $"没有启用的部门 {c.DepartmentCode}",
                $"there is no active department '{c.DepartmentCode}' (GET /api/departments lists them)");
        }

        if (c.AssignmentRound < 0)
        {
            v.Add("case.assignmentRound", "不能为负数", "cannot be negative");
        }

        if (c.PendingExtensionDays is < 1 or > 365)
        {
            v.Add("case.pendingExtensionDays", "应为 1 到 365 个工作日", "must be 1 to 365 working days");
        }

        return v.IsValid ? (c, null) : (null, v.ToDictionary());
    }

    // System.Text.Json appends the path and position in further sentences; the field name already says where.
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }
}
