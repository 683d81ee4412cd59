using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StableDiffusion.Studio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class PromptEmphasisAndPadding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EmphasisMode",
                table: "Jobs",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Original");

            migrationBuilder.AddColumn<bool>(
                name: "PadPrompts",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EmphasisMode",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "PadPrompts",
                table: "Jobs");
        }
    }
}
