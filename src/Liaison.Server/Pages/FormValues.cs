using System.Globalization;
using Liaison.Cases.Common;
using Liaison.Server.Common;
using Microsoft.Extensions.Primitives;

namespace Liaison.Server.Pages;

/// <summary>
/// Reads what the server-rendered forms send, one way for every form. A value the form could not have sent (a request
/// id that is no id, a checkbox saying "maybe", a row number past the form's rows) is refused with a message, never
/// dropped or guessed: the API refuses the same, and a page must not quietly do something else than asked.
/// </summary>
public static class FormValues
{
    public const string RequestIdField = "requestId";

    /// <summary>
    /// The form's one-time id (sent twice, the action is done once). Absent or blank: none, as before these forms had
    /// one. Anything but a GUID is refused, as the API refuses it.
    /// </summary>
    public static Guid? RequestId(string? value, Validation errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (Guid.TryParse(value.Trim(), out var id))
        {
            return id;
        }

        errors.Add(RequestIdField, "请求编号无效，请刷新页面后重试", "request id is not valid; reload the page and try again");
        return null;
    }

    /// <summary>
    /// A checkbox: absent is unticked; ticked, it sends its value <c>true</c> (or <c>on</c>, a browser's default for a
    /// checkbox without a value). Anything else is refused rather than read as unticked.
    /// </summary>
    public static bool Checkbox(IFormCollection form, string name, Validation errors) => Checkbox(name, form[name], errors);

    /// <inheritdoc cref="Checkbox(IFormCollection, string, Validation)"/>
    public static bool Checkbox(string name, StringValues values, Validation errors)
    {
        if (values.Count == 0)
        {
            return false;
        }

        if (values.Count == 1 && values[0] is "true" or "on")
        {
            return true;
        }

        errors.Add(name, $"勾选框只能发送 true，收到的是“{string.Join(",", values.ToArray())}”",
            $"a checkbox sends true when ticked and nothing otherwise, not '{string.Join(",", values.ToArray())}'");
        return false;
    }

    /// <summary>
    /// A yes/no filter in a page's address (<c>?overdue=</c>): empty is no filter; <c>true</c>, <c>1</c> and <c>on</c>
    /// (a ticked checkbox) are yes; <c>false</c> and <c>0</c> are no. False when it is none of those.
    /// </summary>
    public static bool TryYesNo(string? value, out bool? yesNo)
    {
        switch (value?.Trim())
        {
            case null or "":
                yesNo = null;
                return true;
            case "true" or "1" or "on":
                yesNo = true;
                return true;
            case "false" or "0":
                yesNo = false;
                return true;
            default:
                yesNo = null;
                return false;
        }
    }

    /// <summary>
    /// The row numbers a form's rows of fields (<c>prefix[i].part</c>) were sent with, in order. A row the form could
    /// not have sent (a number from <paramref name="maxRows"/> on, a negative one, one that is no number) is refused
    /// under <paramref name="prefix"/>, not dropped: its values would be lost without a word.
    /// </summary>
    public static IReadOnlyList<int> Rows(IFormCollection form, string prefix, int maxRows, Validation errors)
    {
        var rows = new SortedSet<int>();
        var refused = new List<string>();
        foreach (var key in form.Keys)
        {
            if (!key.StartsWith(prefix + "[", StringComparison.Ordinal))
            {
                continue;
            }

            var close = key.IndexOf(']', prefix.Length + 1);
            var index = close < 0 ? "" : key[(prefix.Length + 1)..close];
            if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row < maxRows
                && index == row.ToString(CultureInfo.InvariantCulture) && (close == key.Length - 1 || key[close + 1] == '.'))
            {
                rows.Add(row);
            }
            else
            {
                refused.Add(key);
            }
        }

        if (refused.Count > 0)
        {
            var keys = string.Join(", ", refused.Order(StringComparer.Ordinal).Take(3)) + (refused.Count > 3 ? " …" : "");
            errors.Add(prefix, new Text(
                $"表单中没有这一行：{keys}（此表单的行号为 0 到 {maxRows - 1}），请刷新页面后重填",
                $"the form has no such row: {keys} (its rows are numbered 0 to {maxRows - 1}); reload the page and fill it in again"));
        }

        return rows.ToList();
    }
}
