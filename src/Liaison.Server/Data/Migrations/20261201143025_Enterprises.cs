using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class Enterprises : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "enterprise_id",
                table: "cases",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "enterprises",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    credit_code = table.Column<string>(type: "character varying(18)", maxLength: 18, nullable: false),
                    industry_chain = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    is_key = table.Column<bool>(type: "boolean", nullable: false),
                    chief_service_officer_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    visit_every_days = table.Column<int>(type: "integer", nullable: false, defaultValue: 30),
                    is_sample = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprises", x => x.id);
                    table.ForeignKey(
                        name: "fk_enterprises_asp_net_users_chief_service_officer_id",
                        column: x => x.chief_service_officer_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "enterprise_contacts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    for_notices = table.Column<bool>(type: "boolean", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprise_contacts", x => x.id);
                    table.ForeignKey(
                        name: "fk_enterprise_contacts_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "enterprise_service_squad",
                columns: table => new
                {
                    enterprise_id = table.Column<long>(type: "bigint", nullable: false),
                    officer_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enterprise_service_squad", x => new { x.enterprise_id, x.officer_id });
                    table.ForeignKey(
                        name: "fk_enterprise_service_squad_asp_net_users_officer_id",
                        column: x => x.officer_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_enterprise_service_squad_enterprises_enterprise_id",
                        column: x => x.enterprise_id,
                        principalTable: "enterprises",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cases_enterprise_id_id",
                table: "cases",
                columns: new[] { "enterprise_id", "id" },
                filter: "enterprise_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_contacts_enterprise_id_position",
                table: "enterprise_contacts",
                columns: new[] { "enterprise_id", "position" });

            migrationBuilder.CreateIndex(
                name: "ux_enterprise_contacts_notice",
                table: "enterprise_contacts",
                column: "enterprise_id",
                unique: true,
                filter: "for_notices");

            migrationBuilder.CreateIndex(
                name: "ix_enterprise_service_squad_officer_id",
                table: "enterprise_service_squad",
                column: "officer_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprises_chief_service_officer_id",
                table: "enterprises",
                column: "chief_service_officer_id");

            migrationBuilder.CreateIndex(
                name: "ix_enterprises_credit_code",
                table: "enterprises",
                column: "credit_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_enterprises_name_trgm",
                table: "enterprises",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.AddForeignKey(
                name: "fk_cases_registered_enterprise_enterprise_id",
                table: "cases",
                column: "enterprise_id",
                principalTable: "enterprises",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_cases_registered_enterprise_enterprise_id",
                table: "cases");

            migrationBuilder.DropTable(
                name: "enterprise_contacts");

            migrationBuilder.DropTable(
                name: "enterprise_service_squad");

            migrationBuilder.DropTable(
                name: "enterprises");

            migrationBuilder.DropIndex(
                name: "ix_cases_enterprise_id_id",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "enterprise_id",
                table: "cases");
        }
    }
}
