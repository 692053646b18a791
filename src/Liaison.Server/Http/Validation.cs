namespace Liaison.Server.Http;

/// <summary>Collects field errors for a 400; messages are "中文 / English".</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string zh, string en)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add($"{zh} / {en}");
    }

    /// <summary>Adds "required" when the value is blank; returns the trimmed value.</summary>
    public string Required(string field, string? value, int maxLength)
    {
        var v = value?.Trim() ?? "";
        if (v.Length == 0)
        {
            Add(field, "必填", "is required");
        }
        else if (v.Length > maxLength)
        {
            Add(field, $"不能超过 {maxLength} 个字符", $"must be at most {maxLength} characters");
        }

        return v;
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
