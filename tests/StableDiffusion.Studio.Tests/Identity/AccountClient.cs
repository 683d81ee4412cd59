using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace StableDiffusion.Studio.Tests.Identity;

/// <summary>
/// One browser at the studio over HTTP: it keeps its cookies (its anonymous identity first, then an account's) and
/// fills the sign-up and sign-in forms as a person would, antiforgery token included.
/// </summary>
public sealed partial class AccountClient(HttpClient client)
{
    public HttpClient Http { get; } = client;

    public static async Task<AccountClient> OpenAsync<T>(WebApplicationFactory<T> studio) where T : class
    {
        var browser = new AccountClient(studio.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false }));
        // The first page hands out the anonymous identity cookie (or, accounts only, the way to sign in).
        await browser.Http.GetAsync("/");
        return browser;
    }

    /// <summary>The user id the Settings page shows: the anonymous browser's, or the account's once signed in.</summary>
    public async Task<string> UserIdAsync()
    {
        var html = await Http.GetStringAsync("/settings");
        return UserIdPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No user id on /settings.");
    }

    public Task<HttpResponseMessage> SignUpAsync(string email, string password) =>
        PostFormAsync("/account/signup", "signup", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    public Task<HttpResponseMessage> SignInAsync(string email, string password) =>
        PostFormAsync("/account/signin", "signin", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var token = await AntiforgeryTokenAsync("/settings");
        return await Http.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    /// <summary>Signs up and checks that the form answered with the redirect a successful sign-up gives.</summary>
    public async Task SignUpOrFailAsync(string email, string password = "correct horse battery")
    {
        var response = await SignUpAsync(email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-up answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<HttpResponseMessage> PostFormAsync(string path, string formName, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = await AntiforgeryTokenAsync(path);
        fields["_handler"] = formName;
        return await Http.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    private async Task<string> AntiforgeryTokenAsync(string path)
    {
        var html = await Http.GetStringAsync(path);
        var input = TokenInputPattern().Match(html);
        return input.Success && ValuePattern().Match(input.Value) is { Success: true } value
            ? WebUtility.HtmlDecode(value.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {path}.");
    }

    [GeneratedRegex("""data-testid="user-id">([^<]+)<""")]
    private static partial Regex UserIdPattern();

    [GeneratedRegex("""<input[^>]*name="__RequestVerificationToken"[^>]*>""")]
    private static partial Regex TokenInputPattern();

    [GeneratedRegex("""value="([^"]*)""")]
    private static partial Regex ValuePattern();
}
