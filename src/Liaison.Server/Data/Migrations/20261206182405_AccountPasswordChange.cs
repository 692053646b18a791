using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class AccountPasswordChange : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "must_change_password",
                table: "AspNetUsers",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "must_change_password",
                table: "AspNetUsers");
        }
    }
}
