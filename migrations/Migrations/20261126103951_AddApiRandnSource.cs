using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StableDiffusion.Studio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AddApiRandnSource : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RandnSource",
                table: "ApiOptions",
                type: "TEXT",
                maxLength: 8,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RandnSource",
                table: "ApiOptions");
        }
    }
}
