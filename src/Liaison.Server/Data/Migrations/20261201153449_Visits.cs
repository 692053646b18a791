using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class Visits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "enterprise_visits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    visited_on = table.Column<DateOnly>(type: "date", nullable: false),
                    findings = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    logged_by_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprise_visits", x => x.id);
                    table.ForeignKey(
                        name: "fk_enterprise_visits_asp_net_users_logged_by_id",
                        column: x => x.logged_by_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_enterprise_visits_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "enterprise_visit_officers",
                columns: table => new
                {
                    visit_id = table.Column<long>(type: "bigint", nullable: false),
                    officer_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprise_visit_officers", x => new { x.visit_id, x.officer_id });
                    table.ForeignKey(
                        name: "fk_enterprise_visit_officers_asp_net_users_officer_id",
                        column: x => x.officer_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_enterprise_visit_officers_enterprise_visits_visit_id",
                        column: x => x.visit_id,
                        principalTable: "enterprise_visits",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "visit_problems",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    visit_id = table.Column<long>(type: "bigint", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    department_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    case_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_visit_problems", x => x.id);
                    table.ForeignKey(
                        name: "fk_visit_problems_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_visit_problems_enterprise_visits_visit_id",
                        column: x => x.visit_id,
                        principalTable: "enterprise_visits",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_visit_officers_officer_id",
                table: "enterprise_visit_officers",
                column: "officer_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_visits_enterprise_id_visited_on",
                table: "enterprise_visits",
                columns: new[] { "enterprise_id", "visited_on" });

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_visits_logged_by_id",
                table: "enterprise_visits",
                column: "logged_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_visits_visited_on",
                table: "enterprise_visits",
                column: "visited_on");

            migrationBuilder.CreateIndex(
                name: "ix_visit_problems_case_id",
                table: "visit_problems",
                column: "case_id",
                unique: true,
                filter: "case_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_visit_problems_visit_id_position",
                table: "visit_problems",
                columns: new[] { "visit_id", "position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "enterprise_visit_officers");

            migrationBuilder.DropTable(
                name: "visit_problems");

            migrationBuilder.DropTable(
                name: "enterprise_visits");
        }
    }
}
