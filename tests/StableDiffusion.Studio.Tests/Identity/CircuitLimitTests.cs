using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StableDiffusion.Studio.Identity;

namespace StableDiffusion.Studio.Tests.Identity;

public sealed class CircuitLimitTests
{
    private readonly OpenCircuits open = new();
    private readonly IOptions<StudioOptions> options = Options.Create(new StudioOptions { MaxCircuitsPerUser = 2 });

    [Fact]
    public async Task AUsersCircuitPastTheLimitIsRefusedUntilOneCloses()
    {
        var first = Handler("alice");
        var second = Handler("alice");
        var third = Handler("alice");
        var bobs = Handler("bob");

        await first.OnCircuitOpenedAsync(null!, default);
        await second.OnCircuitOpenedAsync(null!, default);
        await third.OnCircuitOpenedAsync(null!, default);
        await bobs.OnCircuitOpenedAsync(null!, default);

        Assert.False(first.Refused);
        Assert.False(second.Refused);
        Assert.True(third.Refused);
        Assert.False(bobs.Refused);
        Assert.Equal(2, open.CountOf(Id("alice")));

        // A refused circuit was never counted, so closing it frees nothing; closing an admitted one does.
        await third.OnCircuitClosedAsync(null!, default);
        Assert.Equal(2, open.CountOf(Id("alice")));
        await first.OnCircuitClosedAsync(null!, default);
        var fourth = Handler("alice");
        await fourth.OnCircuitOpenedAsync(null!, default);

        Assert.False(fourth.Refused);
        Assert.Equal(2, open.CountOf(Id("alice")));
    }

    private CircuitLimitHandler Handler(string name) =>
        new(open, new CurrentUser(new FixedUser(name)), options, NullLogger<CircuitLimitHandler>.Instance);

    private static string Id(string name) => name;

    private sealed class FixedUser(string name) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(StudioIdentity.CreatePrincipal(name)));
    }
}
