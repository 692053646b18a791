using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class CaseLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "accept_by_basis",
                table: "cases",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "accepted_at",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "closed_at",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "due_at_basis",
                table: "cases",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "extension_count",
                table: "cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "handler_culture",
                table: "cases",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "leader_culture",
                table: "cases",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "leader_email",
                table: "cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "leader_name",
                table: "cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_progress_report_at",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "pending_extension_days",
                table: "cases",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "pending_extension_reason",
                table: "cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "reopen_count",
                table: "cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "resolved_at",
                table: "cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "return_count",
                table: "cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "return_reason_code",
                table: "cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "thread_root_message_id",
                table: "cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "workflow_instance_id",
                table: "cases",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "calendar_years",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    json = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_calendar_years", x => x.year);
                });

            migrationBuilder.CreateTable(
                name: "case_action_requests",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_action_requests", x => x.request_id);
                });

            migrationBuilder.CreateTable(
                name: "case_deadlines_fired",
                columns: table => new
                {
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_deadlines_fired", x => new { x.case_id, x.kind, x.deadline });
                });

            migrationBuilder.CreateTable(
                name: "case_number_counters",
                columns: table => new
                {
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    last = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_number_counters", x => new { x.prefix, x.year });
                });

            migrationBuilder.CreateTable(
                name: "liaison_links",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    recipient_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    recipient_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    round = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_liaison_links", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cases_workflow_instance_id",
                table: "cases",
                column: "workflow_instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_case_action_requests_case_id",
                table: "case_action_requests",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_liaison_links_case_id_round",
                table: "liaison_links",
                columns: new[] { "case_id", "round" });

            migrationBuilder.CreateIndex(
                name: "ix_liaison_links_token_hash",
                table: "liaison_links",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "calendar_years");

            migrationBuilder.DropTable(
                name: "case_action_requests");

            migrationBuilder.DropTable(
                name: "case_deadlines_fired");

            migrationBuilder.DropTable(
                name: "case_number_counters");

            migrationBuilder.DropTable(
                name: "liaison_links");

            migrationBuilder.DropIndex(
                name: "ix_cases_workflow_instance_id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "accept_by_basis",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "accepted_at",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "closed_at",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "due_at_basis",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "extension_count",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "handler_culture",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "leader_culture",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "leader_email",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "leader_name",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "next_progress_report_at",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "pending_extension_days",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "pending_extension_reason",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "reopen_count",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "resolved_at",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "return_count",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "return_reason_code",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "thread_root_message_id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "workflow_instance_id",
                table: "cases");
        }
    }
}
