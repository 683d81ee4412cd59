using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StableDiffusion.Studio.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class CreateFormResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "FromApi",
                table: "Jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FromApi",
                table: "Jobs");
        }
    }
}
