using System.Text;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <summary>
    /// The departments' unique name index folds what the service's check folds (Names.Same): letter case, and
    /// full-width forms against half-width ones, so （集团） and (集团) are one name for the index too. Before, two admins
    /// saving "Ａ局" and "A局" at once could both pass the check and both be kept. Departments that already share a name
    /// in that sense get their code appended, as in <see cref="DepartmentNameUnique"/>: the one saved longest ago keeps it.
    /// </summary>
    public partial class DepartmentNameFold : Migration
    {
        /// <summary>
        /// A name as the index compares it: full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space as ASCII,
        /// trimmed, lower case. <c>translate</c>, <c>btrim</c> and <c>lower</c> are immutable, so it can be indexed.
        /// </summary>
        public static string Folded(string column)
        {
            var full = new StringBuilder();
            var half = new StringBuilder();
            for (var ch = '\uFF01'; ch <= '\uFF5E'; ch++)
            {
                full.Append(ch);
                half.Append((char)(ch - 0xFEE0));
            }

            full.Append('\u3000');
            half.Append(' ');
            return $"lower(btrim(translate({column}, '{full.Replace("'", "''")}', '{half.Replace("'", "''")}')))";
        }

        public static string RenameDuplicatesSql => $"""
            UPDATE departments d SET name = left(d.name, 100 - char_length(d.code) - 2) || '（' || d.code || '）'
            WHERE EXISTS (SELECT 1 FROM departments o WHERE {Folded("o.name")} = {Folded("d.name")} AND (o.updated_at, o.id) < (d.updated_at, d.id))
            """;

        public static string CreateIndexSql => $"CREATE UNIQUE INDEX ix_departments_folded_name ON departments ({Folded("name")})";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(RenameDuplicatesSql);
            migrationBuilder.Sql("DROP INDEX ix_departments_lower_name");
            migrationBuilder.Sql(CreateIndexSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_departments_folded_name");
            migrationBuilder.Sql(DepartmentNameUnique.CreateIndexSql);
        }
    }
}
