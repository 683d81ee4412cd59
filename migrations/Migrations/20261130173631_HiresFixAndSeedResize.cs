using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StableDiffusion.Studio.Migrations.Migrations
{
    /// <summary>Hires fix and seed resize settings; rows from before them get A1111's defaults (off).</summary>
    public partial class HiresFixAndSeedResize : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "EnableHires",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "HiresDenoisingStrength",
                table: "Jobs",
                type: "REAL",
                nullable: false,
                defaultValue: 0.7);

            migrationBuilder.AddColumn<int>(
                name: "HiresResizeHeight",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "HiresResizeWidth",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<double>(
                name: "HiresScale",
                table: "Jobs",
                type: "REAL",
                nullable: false,
                defaultValue: 2.0);

            migrationBuilder.AddColumn<int>(
                name: "HiresSteps",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "HiresUpscaler",
                table: "Jobs",
                type: "TEXT",
                nullable: false,
                defaultValue: "Latent");

            migrationBuilder.AddColumn<int>(
                name: "SeedResizeFromHeight",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "SeedResizeFromWidth",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EnableHires",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "HiresDenoisingStrength",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "HiresResizeHeight",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "HiresResizeWidth",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "HiresScale",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "HiresSteps",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "HiresUpscaler",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "SeedResizeFromHeight",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "SeedResizeFromWidth",
                table: "Jobs");
        }
    }
}
