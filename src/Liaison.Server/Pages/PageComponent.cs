using Liaison.Cases.Common;
using Microsoft.AspNetCore.Components;

namespace Liaison.Server.Pages;

/// <summary>The base of every page component: the reader's language and the zone's clock, as short helpers for markup.</summary>
public abstract class PageComponent : ComponentBase
{
    [Inject]
    protected Ui Ui { get; set; } = default!;

    protected string T(string zh, string en) => Ui.T(zh, en);

    protected string T(Text text) => Ui.T(text);

    protected string When(DateTimeOffset? at) => Ui.When(at);

    /// <summary>The <c>lang</c> attribute an element holding only <paramref name="text"/> needs (<see cref="Languages.Of"/>); null for none.</summary>
    protected string? LangOf(string? text) => Languages.Of(text, Ui.English);

    /// <summary>A person with their email after their name, bracketed as the reader's language writes it: "李四（li@…）", "Amy Chen (amy@…)".</summary>
    protected string NameAndEmail(string name, string email) => T($"{name}（{email}）", $"{name} ({email})");
}
