using Liaison.Cases.Common;

namespace Liaison.Server.Pages;

/// <summary>What <see cref="MessagePage"/> says.</summary>
public sealed record MessageModel(Text Title, Text Message, string? BackUrl = null, Text? BackLabel = null, Text? Hint = null)
{
    public bool Navigation { get; init; } = true;

    public bool Alert { get; init; }

    public static readonly Text NotFoundTitle = new("未找到", "Not found");
}
