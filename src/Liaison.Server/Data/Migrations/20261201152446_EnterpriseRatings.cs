using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class EnterpriseRatings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_ratings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    department_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closes_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    score = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    comment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    rated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    decision_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    follow_up_case_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_case_ratings", x => x.id);
                    table.ForeignKey(
                        name: "fk_case_ratings_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_case_ratings_cases_follow_up_case_id",
                        column: x => x.follow_up_case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "enterprise_links",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    case_id = table.Column<long>(type: "bigint", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    contact_id = table.Column<long>(type: "bigint", nullable: true),
                    purpose = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprise_links", x => x.id);
                    table.ForeignKey(
                        name: "fk_enterprise_links_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_enterprise_links_enterprise_contacts_contact_id",
                        column: x => x.contact_id,
                        principalTable: "enterprise_contacts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_case_ratings_awaiting_decision",
                table: "case_ratings",
                column: "case_id",
                filter: "score = 'Unsatisfied' AND decision IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_case_ratings_case_id",
                table: "case_ratings",
                column: "case_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_case_ratings_closes_at",
                table: "case_ratings",
                column: "closes_at",
                filter: "rated_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_case_ratings_follow_up_case_id",
                table: "case_ratings",
                column: "follow_up_case_id");

            migrationBuilder.CreateIndex(
                name: "ix_case_ratings_rated_at",
                table: "case_ratings",
                column: "rated_at",
                filter: "rated_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_links_case_id",
                table: "enterprise_links",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_links_contact_id",
                table: "enterprise_links",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_links_token_hash",
                table: "enterprise_links",
                column: "token_hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_ratings");

            migrationBuilder.DropTable(
                name: "enterprise_links");
        }
    }
}
