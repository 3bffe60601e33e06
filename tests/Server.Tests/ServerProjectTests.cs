namespace Glm4vSK.Server.Tests;

public sealed class ServerProjectTests
{
    [Fact]
    public void The_server_assembly_is_its_own_package()
    {
        var name = typeof(ServerAssembly).Assembly.GetName().Name;
        Assert.Equal("Glm4vSK.Server", name);
    }
}
