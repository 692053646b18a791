using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChildWorkflows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "depth",
                table: "workflow_instances",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "name",
                table: "workflow_instances",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "parent_activity_id",
                table: "workflow_instances",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "parent_bookmark_id",
                table: "workflow_instances",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_instance_id",
                table: "workflow_instances",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_parent_instance_id",
                table: "workflow_instances",
                column: "parent_instance_id",
                filter: "parent_instance_id IS NOT NULL");

            migrationBuilder.AddForeignKey(
                name: "fk_workflow_instances_workflow_instances_parent_instance_id",
                table: "workflow_instances",
                column: "parent_instance_id",
                principalTable: "workflow_instances",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_workflow_instances_workflow_instances_parent_instance_id",
                table: "workflow_instances");

            migrationBuilder.DropIndex(
                name: "ix_workflow_instances_parent_instance_id",
                table: "workflow_instances");

            migrationBuilder.DropColumn(
                name: "depth",
                table: "workflow_instances");

            migrationBuilder.DropColumn(
                name: "name",
                table: "workflow_instances");

            migrationBuilder.DropColumn(
                name: "parent_activity_id",
                table: "workflow_instances");

            migrationBuilder.DropColumn(
                name: "parent_bookmark_id",
                table: "workflow_instances");

            migrationBuilder.DropColumn(
                name: "parent_instance_id",
                table: "workflow_instances");
        }
    }
}
