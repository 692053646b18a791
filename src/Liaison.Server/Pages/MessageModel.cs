using Liaison.Cases.Common;

namespace Liaison.Server.Pages;

/// <summary>What <see cref="MessagePage"/> says.</summary>
public sealed record MessageModel(Text Title, Text Message, string? BackUrl = null, Text? BackLabel = null, Text? Hint = null)
{
    public bool Navigation { get; init; } = true;

    public bool Alert { get; init; }

    /// <summary>
    /// The message names departments or people (an ended link's 已改派至行政审批局): their runs in the other language say
    /// so (<see cref="Words"/>), for a screen reader. Not for messages quoting codes and values (a language's zh-CN, fr).
    /// </summary>
    public bool NamesInMessage { get; init; }

    public static readonly Text NotFoundTitle = new("未找到", "Not found");
}
