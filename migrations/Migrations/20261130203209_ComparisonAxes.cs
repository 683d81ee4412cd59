using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StableDiffusion.Studio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ComparisonAxes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Axes",
                table: "Comparisons",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Axes",
                table: "Comparisons");
        }
    }
}
