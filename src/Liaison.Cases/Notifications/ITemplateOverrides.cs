namespace Liaison.Cases.Notifications;

/// <summary>The three parts of every case email, each its own template.</summary>
public enum MailPart
{
    Subject,
    Html,
    Text,
}

/// <summary>
/// Admin-edited templates, looked up before the shipped ones (the host stores them, e.g. in the database).
/// Called on every render, so implementations should answer from memory.
/// </summary>
public interface ITemplateOverrides
{
    /// <summary>The edited Liquid source for this kind, culture (<c>zh-CN</c> or <c>en</c>) and part, or null to use the shipped one.</summary>
    string? Find(string kind, string culture, MailPart part);
}
