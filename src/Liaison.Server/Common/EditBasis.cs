using System.Security.Cryptography;
using System.Text.Json;
using Liaison.Cases.Common;

namespace Liaison.Server.Common;

/// <summary>
/// The version of an entry that an edit form (or an API read) was opened at, for entries whose rows carry no version of
/// their own (departments, accounts, categories): a fingerprint of the values the form edits. A save sending an older
/// one is refused, instead of silently undoing the save made since (two admins on one department's form). Values only:
/// a form still showing what is stored may be saved, whatever was saved in between.
/// </summary>
public static class EditBasis
{
    public static string Of(params object?[] values) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(values)).AsSpan(0, 8));

    /// <summary>
    /// True when <paramref name="sent"/> names another version than <paramref name="current"/>; a save without one (an API
    /// client that did not read first) is not checked.
    /// </summary>
    public static bool IsStale(string? sent, string current) => Validation.Optional(sent) is { } seen && seen != current;

    /// <summary>
    /// Whether <paramref name="basis"/> is spelled as <see cref="Of"/> spells one: anything else is the client's mistake
    /// (400), not an entry changed since (409).
    /// </summary>
    public static bool IsWellFormed(string basis) => basis.Length == 16 && basis.All(char.IsAsciiHexDigitLower);

    /// <summary>What a save with a basis no form or read of Liaison's gave is told (400, on the <c>basis</c> field).</summary>
    public static readonly Text Malformed = new(
        "不是本系统给出的版本，请重新打开表单（或重新读取）后再保存", "is not a version Liaison gives; open the form again (or read it again) and save from that");

    /// <summary>Refuses a basis not spelled as <see cref="Of"/> spells one: the client's mistake, not an entry changed since.</summary>
    public static void Check(Validation v, string? basis)
    {
        if (Validation.Optional(basis) is { } given && !IsWellFormed(given))
        {
            v.Add("basis", Malformed);
        }
    }

    /// <summary>The fields of a stale form that differ from what is stored now, for the 409 page beside the form.</summary>
    public static IReadOnlyList<StaleField> Differences(params StaleField[] fields) =>
        fields.Where(f => f.Stored != f.Typed).ToList();
}

/// <summary>A field of a form refused as stale, as stored now and as the admin typed it.</summary>
public sealed record StaleField(Text Label, Text Stored, Text Typed)
{
    /// <summary>A field whose value reads the same in both languages (a name, an address, a number).</summary>
    public StaleField(Text label, string stored, string typed)
        : this(label, new Text(stored.Trim(), stored.Trim()), new Text(typed.Trim(), typed.Trim()))
    {
    }

    /// <summary>A ticked or unticked box.</summary>
    public StaleField(Text label, bool stored, bool typed)
        : this(label, YesNo(stored), YesNo(typed))
    {
    }

    private static Text YesNo(bool value) => value ? new Text("是", "yes") : new Text("否", "no");
}
