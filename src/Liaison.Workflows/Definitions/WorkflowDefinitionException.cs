namespace Liaison.Workflows.Definitions;

/// <summary>
/// The definition JSON is malformed or cannot be compiled. The message names the JSON path and/or activity id;
/// callers turn it into HTTP 400. <see cref="Exception.Message"/> is English, <see cref="MessageZh"/> Chinese.
/// </summary>
public sealed class WorkflowDefinitionException : Exception
{
    public WorkflowDefinitionException(string message, string? path = null, string? activityId = null, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
        ActivityId = activityId;
    }

    /// <summary>JSON path of the offending element, e.g. <c>$.root.activities[2].type</c>.</summary>
    public string? Path { get; }

    public string? ActivityId { get; }

    /// <summary>The message in Chinese; the English one when none was given.</summary>
    public string MessageZh
    {
        get => _messageZh ?? Message;
        init => _messageZh = value;
    }

    private readonly string? _messageZh;
}
