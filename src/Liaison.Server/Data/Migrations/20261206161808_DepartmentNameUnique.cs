using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <summary>
    /// One department per name, compared without case (DepartmentService.NameIndex): two of one name are two identical
    /// entries in the lists officers pick a department from. The service refuses a taken name with a 400 first; the
    /// index settles two admins saving the same name at once. An expression index, so it lives here and not in the
    /// model. Of departments that already share a name (saved before the check), the one saved longest ago keeps it: the
    /// later saves are the ones that took a name in use (a department renamed to another's, a second one created). Those
    /// get their code appended ("经济和信息化局（fgj）"), so the lists tell them apart and the index can be built; the
    /// admins then rename them as they see fit.
    /// </summary>
    public partial class DepartmentNameUnique : Migration
    {
        /// <summary>
        /// Every department whose name (any case) one saved before it has gets its code appended, within the 100
        /// characters of a name; its last save's time stays, so that order holds if this runs again.
        /// </summary>
        public const string RenameDuplicatesSql = """
            UPDATE departments d SET name = left(d.name, 100 - char_length(d.code) - 2) || '（' || d.code || '）'
            WHERE EXISTS (SELECT 1 FROM departments o WHERE lower(o.name) = lower(d.name) AND (o.updated_at, o.id) < (d.updated_at, d.id))
            """;

        public const string CreateIndexSql = "CREATE UNIQUE INDEX ix_departments_lower_name ON departments (lower(name))";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(RenameDuplicatesSql);
            migrationBuilder.Sql(CreateIndexSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_departments_lower_name");
        }
    }
}
