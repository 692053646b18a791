using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class JointParts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_case_deadlines_fired",
                table: "case_deadlines_fired");

            migrationBuilder.AddColumn<long>(
                name: "part_id",
                table: "liaison_links",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "part_id",
                table: "case_events",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "part_id",
                table: "case_deadlines_fired",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddPrimaryKey(
                name: "pk_case_deadlines_fired",
                table: "case_deadlines_fired",
                columns: new[] { "case_id", "part_id", "kind", "deadline" });

            migrationBuilder.CreateTable(
                name: "case_parts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    department_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    task = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    assignment_round = table.Column<int>(type: "integer", nullable: false),
                    handler_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    handler_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    handler_culture = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    leader_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    leader_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    leader_culture = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    accept_by = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    original_due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    round_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    round_accept_by = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    provisional = table.Column<bool>(type: "boolean", nullable: false),
                    accept_by_basis = table.Column<string>(type: "jsonb", nullable: true),
                    due_at_basis = table.Column<string>(type: "jsonb", nullable: true),
                    next_progress_report_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    submission_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    submission_attachments = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ended_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    workflow_instance_id = table.Column<Guid>(type: "uuid", nullable: true),
                    thread_root_message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_parts", x => x.id);
                    table.ForeignKey(
                        name: "fk_case_parts_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_liaison_links_part_id",
                table: "liaison_links",
                column: "part_id",
                filter: "part_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_case_parts_case_id_department_code",
                table: "case_parts",
                columns: new[] { "case_id", "department_code" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_parts");

            migrationBuilder.DropIndex(
                name: "ix_liaison_links_part_id",
                table: "liaison_links");

            migrationBuilder.DropPrimaryKey(
                name: "pk_case_deadlines_fired",
                table: "case_deadlines_fired");

            migrationBuilder.DropColumn(
                name: "part_id",
                table: "liaison_links");

            migrationBuilder.DropColumn(
                name: "part_id",
                table: "case_events");

            migrationBuilder.DropColumn(
                name: "part_id",
                table: "case_deadlines_fired");

            migrationBuilder.AddPrimaryKey(
                name: "pk_case_deadlines_fired",
                table: "case_deadlines_fired",
                columns: new[] { "case_id", "kind", "deadline" });
        }
    }
}
