using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StableDiffusion.Studio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AddVariationSeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "VariationSeed",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: -1L);

            migrationBuilder.AddColumn<double>(
                name: "VariationStrength",
                table: "Jobs",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "VariationSeed",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "VariationStrength",
                table: "Jobs");
        }
    }
}
