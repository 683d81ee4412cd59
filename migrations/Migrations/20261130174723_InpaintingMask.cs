using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StableDiffusion.Studio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class InpaintingMask : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "InpaintFullRes",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "InpaintFullResPadding",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 32);

            migrationBuilder.AddColumn<int>(
                name: "InpaintingFill",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<bool>(
                name: "InvertMask",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "MaskBlur",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 4);

            migrationBuilder.AddColumn<string>(
                name: "MaskPath",
                table: "Jobs",
                type: "TEXT",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "InpaintFullRes",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "InpaintFullResPadding",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "InpaintingFill",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "InvertMask",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "MaskBlur",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "MaskPath",
                table: "Jobs");
        }
    }
}
