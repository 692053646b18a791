using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Liaison.Server.Data.Migrations
{
    /// <inheritdoc />
    public partial class WorkflowVersionDiscardedAndRunning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "discarded_at",
                table: "workflow_definitions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_running_by_version",
                table: "workflow_instances",
                columns: new[] { "definition_id", "definition_version" },
                filter: "status IN ('Running', 'Suspended')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_workflow_instances_running_by_version",
                table: "workflow_instances");

            migrationBuilder.DropColumn(
                name: "discarded_at",
                table: "workflow_definitions");
        }
    }
}
