using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class LeagueCoHandling : Migration
    {
        /// <summary>
        /// Links each scored dispatch and resolution of a joint case to the next one of the same kind, case, department
        /// and role (lead or co-handling part), as CaseTimeline.SupersedeEarlierAsync does from now on; before, a lead
        /// reassigned to a co-handling department superseded that department's part dispatch. Only joint cases change.
        /// </summary>
        public const string BackfillSql = """
            UPDATE case_events e SET next_same_at = n.next_at
            FROM (
                SELECT id, lead(at) OVER (PARTITION BY case_id, kind, department_code, part_id IS NULL ORDER BY at, id) AS next_at
                FROM case_events
                WHERE department_code IS NOT NULL AND kind IN ('dispatched', 'resolve')
                    AND case_id IN (SELECT case_id FROM case_parts)) n
            WHERE n.id = e.id AND e.next_same_at IS DISTINCT FROM n.next_at;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_case_events_scored",
                table: "case_events");

            migrationBuilder.Sql(BackfillSql);

            migrationBuilder.CreateIndex(
                name: "ix_case_parts_department_code_case_id",
                table: "case_parts",
                columns: new[] { "department_code", "case_id" });

            migrationBuilder.CreateIndex(
                name: "ix_case_parts_status_due_at",
                table: "case_parts",
                columns: new[] { "status", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_case_events_scored",
                table: "case_events",
                column: "at",
                filter: "department_code IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "department_code", "case_id", "on_time", "round_started_at", "next_same_at", "part_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_case_parts_department_code_case_id",
                table: "case_parts");

            migrationBuilder.DropIndex(
                name: "ix_case_parts_status_due_at",
                table: "case_parts");

            migrationBuilder.DropIndex(
                name: "ix_case_events_scored",
                table: "case_events");

            migrationBuilder.CreateIndex(
                name: "ix_case_events_scored",
                table: "case_events",
                column: "at",
                filter: "department_code IS NOT NULL")
                .Annotation("Npgsql:IndexInclude", new[] { "kind", "department_code", "case_id", "on_time", "round_started_at", "next_same_at" });
        }
    }
}
