using Liaison.Cases.Common;

namespace Liaison.Server.Common;

/// <summary>
/// Collects what is wrong with a caller's input, per field (camelCase path, e.g. <c>enterprise.creditCode</c>). The API
/// answers a 400 listing them in both languages; a page shows each next to its field in the reader's language.
/// </summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<Text>> _errors = new(StringComparer.Ordinal);

    /// <summary>What the summary calls a field in words: the fields people fill in on the pages.</summary>
    private static readonly Dictionary<string, Text> Labels = new(StringComparer.Ordinal)
    {
        ["note"] = new("说明", "Note"),
        ["days"] = new("延期天数", "Days"),
        ["reasonCode"] = new("退回原因", "Reason"),
        ["reason"] = new("原因", "Reason"),
        ["overrideReason"] = new("先行办结理由", "Reason to go ahead"),
        ["attachments"] = new("附件", "Attachments"),
        ["score"] = new("评价", "Rating"),
        ["comment"] = new("意见", "Comment"),
        ["title"] = new("标题", "Title"),
        ["description"] = new("问题描述", "Description"),
        // Normal or urgent: 紧急程度 / Urgency, as the mails say it.
        ["priority"] = new("紧急程度", "Urgency"),
        ["task"] = new("协办任务", "Task"),
        ["departmentCode"] = new("部门", "Department"),
        ["coDepartments"] = new("协办部门", "Co-handling departments"),
        ["category"] = new("类别", "Category"),
        ["enterprise"] = new("企业", "Enterprise"),
        ["enterpriseId"] = new("企业", "Enterprise"),
        ["enterprise.name"] = new("企业名称", "Enterprise name"),
        ["enterprise.creditCode"] = new("统一社会信用代码", "Unified social credit code"),
        ["enterprise.contact"] = new("企业联系人", "Enterprise contact"),
        ["enterprise.chiefServiceOfficer"] = new("首席服务员", "Chief service officer"),
        ["name"] = new("名称", "Name"),
        ["creditCode"] = new("统一社会信用代码", "Unified social credit code"),
        ["industryChain"] = new("产业链", "Industry chain"),
        ["chain"] = new("产业链", "Industry chain"),
        ["address"] = new("地址", "Address"),
        ["contacts"] = new("联系人", "Contacts"),
        ["chiefServiceOfficer"] = new("首席服务员", "Chief service officer"),
        ["serviceSquad"] = new("服务专班", "Service squad"),
        ["visitEveryDays"] = new("走访周期", "Visit cadence"),
        ["cases"] = new("事项", "Cases"),
        // The version of the case (or record) a form was filled in on: a hidden field, named for API callers.
        ["basis"] = new("依据", "Basis"),
        ["status"] = new("状态", "Status"),
        ["role"] = new("部门角色", "Department's role"),
        ["involved"] = new("含曾经办理的", "Including cases handled before"),
        ["q"] = new("关键词", "Search"),
        ["sort"] = new("排序", "Sort"),
        ["page"] = new("页码", "Page"),
        ["pageSize"] = new("每页条数", "Page size"),
        ["openedFrom"] = new("受理日期（起）", "Opened from"),
        ["openedTo"] = new("受理日期（止）", "Opened to"),
        ["from"] = new("开始日期", "From"),
        ["to"] = new("结束日期", "To"),
        ["officer"] = new("接手人", "New officer"),
        // The approve buttons' choice, not the note beside them (意见).
        ["approve"] = new("是否批准", "Approve or deny"),
        ["copyLeader"] = new("同时抄送分管领导", "Copy the department's leader"),
        ["decision"] = new("决定", "Decision"),
        ["requestId"] = new("请求编号", "Request id"),
        ["request"] = new("请求", "Request"),
    };

    /// <summary>What the pages call <paramref name="field"/> in words, or null for a field they do not name so.</summary>
    public static Text? LabelOf(string field) => Labels.TryGetValue(field, out var label) ? label : null;

    public bool IsValid => _errors.Count == 0;

    public IReadOnlyDictionary<string, List<Text>> Errors => _errors;

    public void Add(string field, string zh, string en) => Add(field, new Text(zh, en));

    public void Add(string field, Text message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Adds "required" when the value is blank (invisible characters alone count as blank); returns the trimmed value.</summary>
    /// <param name="secret">
    /// A password: compared, never shown, so invisible and text-direction characters are as good as any other in it
    /// (and a password set with one still signs in); only emptiness, length and control characters are checked.
    /// </param>
    public string Required(string field, string? value, int maxLength, bool secret = false)
    {
        var v = value?.Trim() ?? "";
        if (secret ? v.Length == 0 : v.All(ch => char.IsWhiteSpace(ch) || Invisible(ch)))
        {
            Add(field, "必填", "is required");
        }
        else
        {
            MaxLength(field, v, maxLength, secret);
        }

        return v;
    }

    /// <summary>An optional value as typed: trimmed, or null when blank.</summary>
    public static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>
    /// Adds "too long" when <paramref name="value"/> is longer than <paramref name="maxLength"/>, and "control
    /// characters" when it holds any but tab and line breaks: a bell or an escape sequence typed into a title would
    /// travel into mail subjects and terminals. Line breaks are for multi-line text (descriptions, notes); a
    /// single-line field uses <see cref="MaxLengthLine"/>. A text-direction control (<see cref="DirectionControls"/>) is
    /// refused as well: stored and shown raw it reverses the text after it, in a timeline, a mail subject, a page.
    /// </summary>
    /// <param name="secret">A password (see <see cref="Required"/>): text-direction controls are not checked in it.</param>
    public void MaxLength(string field, string? value, int maxLength, bool secret = false)
    {
        if (value is not { } v)
        {
            return;
        }

        if (v.Length > maxLength)
        {
            Add(field, $"不能超过 {maxLength} 个字符", $"must be at most {maxLength} characters");
        }

        if (v.Any(ch => char.IsControl(ch) && ch is not ('\t' or '\n' or '\r')))
        {
            Add(field, "不能含有控制字符", "must not contain control characters");
        }

        if (!secret && DirectionControls.In(v))
        {
            Add(field, DirectionControls.Refused);
        }
    }

    /// <summary>
    /// <see cref="Required"/> for a single-line field (a title, a name, an address, a code): a line break would split
    /// the mail subject or header line it travels into ("T2\r\nBcc: …"), so it is refused.
    /// </summary>
    public string RequiredLine(string field, string? value, int maxLength)
    {
        var v = Required(field, value, maxLength);
        OneLine(field, v);
        return v;
    }

    /// <summary><see cref="MaxLength"/> for a single-line field (see <see cref="RequiredLine"/>).</summary>
    public void MaxLengthLine(string field, string? value, int maxLength)
    {
        MaxLength(field, value, maxLength);
        OneLine(field, value);
    }

    private void OneLine(string field, string? value)
    {
        if (value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            Add(field, "不能换行", "must be on one line (no line breaks)");
        }
    }

    /// <summary>
    /// Characters that show nothing: zero-width ones, the direction marks and controls, the soft hyphen, the invisible
    /// operators and the Hangul and Mongolian fillers. A value of only these looks empty.
    /// </summary>
    private static bool Invisible(char ch) => ch is '\u00AD' or '\u034F' or '\u061C' or '\u115F' or '\u1160' or '\u180E' or '\u3164' or '\uFFA0' or '\uFEFF'
        or (>= '\u200B' and <= '\u200F') or (>= '\u202A' and <= '\u202E') or (>= '\u2060' and <= '\u2064') or (>= '\u2066' and <= '\u2069');

    /// <summary>The errors as the API's problem details carry them: "中文 / English" per message.</summary>
    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.Select(m => m.ToString()).ToArray());

    /// <summary>
    /// One line of every message, for a caller that has no fields to show them next to (a link page, the API's
    /// detail), each led by its field: in words for the fields people fill in, where the message does not already say
    /// it ("说明：必填", but "请选择退回原因" alone), else by the field's name.
    /// </summary>
    /// <param name="labels">The form's own words for some fields, where they differ from the usual ones (a link page's note is "理由" on a request for more time).</param>
    /// <param name="messages">
    /// What a form says instead of the API's message for some fields (the return reason's list of codes is for API
    /// callers; a page offers the reasons in words).
    /// </param>
    public Text Summary(IReadOnlyDictionary<string, Text>? labels = null, IReadOnlyDictionary<string, Text>? messages = null)
    {
        Text? Named(string field) => labels is not null && labels.TryGetValue(field, out var own) ? own : LabelOf(field);
        var lines = _errors.SelectMany(e => messages is not null && messages.TryGetValue(e.Key, out var instead)
                ? [(Field: e.Key, Label: Named(e.Key), Message: instead)]
                : e.Value.Select(m => (Field: e.Key, Label: Named(e.Key), Message: m)))
            .ToList();
        return new(
            string.Join("；", lines.Select(l => l.Field == WholeRequest ? l.Message.Zh : l.Label is { } label
                ? l.Message.Zh.Contains(label.Zh, StringComparison.Ordinal) ? l.Message.Zh : $"{label.Zh}：{l.Message.Zh}"
                : $"{l.Field}: {l.Message.Zh}")),
            string.Join("; ", lines.Select(l => l.Field == WholeRequest || SaysItsField(l.Message.En, l.Field, l.Label?.En) ? l.Message.En
                : GoesOnFromItsField(l.Message.En) ? $"{l.Label?.En ?? l.Field} {l.Message.En}"
                : $"{l.Label?.En ?? l.Field}: {l.Message.En}")));
    }

    /// <summary>
    /// The key of what is wrong with the request as a whole (incomplete, not an action of the page), not with a field the
    /// page shows: said alone in either language, with no field named in front.
    /// </summary>
    public const string WholeRequest = "request";

    /// <summary>Openings of English messages that say what their field is or must be, so follow its name as a sentence.</summary>
    private static readonly string[] Predicates = ["is ", "are ", "must ", "cannot ", "can ", "may ", "has ", "have ", "needs ", "need ", "should "];

    /// <summary>
    /// An English message that goes on from its field's name ("is required", "must be on one line") reads after it
    /// without a colon: "Note is required", not "Note: is required". (Chinese reads "说明：必填" either way.)
    /// </summary>
    private static bool GoesOnFromItsField(string message) =>
        Predicates.Any(p => message.StartsWith(p, StringComparison.Ordinal));

    /// <summary>An English message that already names its field ("days must be 1–60 working days") needs no label before it.</summary>
    private static bool SaysItsField(string message, string field, string? label) =>
        message.StartsWith(field + " ", StringComparison.OrdinalIgnoreCase)
        || (label is not null && message.StartsWith(label + " ", StringComparison.OrdinalIgnoreCase));
}
