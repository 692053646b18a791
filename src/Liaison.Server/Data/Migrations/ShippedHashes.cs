using Microsoft.EntityFrameworkCore.Migrations;

namespace Liaison.Server.Data.Migrations;

/// <summary>
/// What a release that changes shipped mail templates migrates: edits of those parts saved before fingerprints were
/// kept (no <c>shipped_hash</c>) get the previous release's fingerprint, so the template page points them out as behind
/// the shipped text. The migrations that use it list the parts and their previous fingerprints.
/// </summary>
public static class ShippedHashes
{
    /// <summary>One statement per part: only edits with no fingerprint are touched.</summary>
    public static IEnumerable<string> Statements(IEnumerable<(string Kind, string Culture, string Part, string Hash)> previous) => previous.Select(p =>
        $"UPDATE mail_templates SET shipped_hash = '{p.Hash}' WHERE kind = '{p.Kind}' AND culture = '{p.Culture}' AND part = '{p.Part}' AND shipped_hash IS NULL;");

    /// <summary>The statements of <paramref name="previous"/>, as a migration's <c>Up</c>.</summary>
    public static void Apply(MigrationBuilder migrationBuilder, IEnumerable<(string Kind, string Culture, string Part, string Hash)> previous)
    {
        foreach (var sql in Statements(previous))
        {
            migrationBuilder.Sql(sql);
        }
    }
}
