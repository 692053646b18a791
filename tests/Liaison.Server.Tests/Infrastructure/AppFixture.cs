namespace Liaison.Server.Tests.Infrastructure;

/// <summary>One server and database shared by the tests of a class (xunit class fixture).</summary>
public class AppFixture : IAsyncLifetime
{
    public LiaisonApp App { get; private set; } = null!;

    protected virtual bool WithSmtp => true;

    public async Task InitializeAsync() => App = await LiaisonApp.StartAsync(GetType().Name, WithSmtp);

    public async Task DisposeAsync() => await App.DisposeAsync();
}
