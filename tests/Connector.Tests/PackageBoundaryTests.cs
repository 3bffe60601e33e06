using System.Reflection;
using Glm4vSK.Connector;
using Glm4vSK.LocalEngine;

namespace Glm4vSK.Connector.Tests;

/// <summary>
/// A remote-only user references Glm4vSK.Connector and must not carry the engine, TorchSharp or libtorch; no public API
/// outside the engine may show a TorchSharp type.
/// </summary>
public class PackageBoundaryTests
{
    static readonly Assembly Remote = typeof(Glm4vRemoteChatClient).Assembly;
    static readonly Assembly Local = typeof(Glm4vChatClient).Assembly;
    static readonly Assembly Shared = typeof(InvalidMediaException).Assembly;

    [Fact]
    public void The_remote_connector_references_neither_the_engine_nor_TorchSharp()
    {
        var names = Remote.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("Glm4vSK.LocalEngine", names);
        Assert.DoesNotContain(names, n => n!.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("Glm4vSK.LocalEngine", Shared.GetReferencedAssemblies().Select(a => a.Name));
        Assert.NotEqual(Remote, Local); // the local binding is its own assembly
    }

    [Fact]
    public void The_remote_factory_is_reachable_without_the_engine()
    {
        using var client = Glm4vRemoteChatClient.ForEndpoint(new Uri("http://127.0.0.1:9/v1"), null, "m");
        Assert.IsType<Glm4vRemoteChatClient>(client);
        Assert.Equal(Remote, typeof(Glm4vRemoteChatClient).GetMethod(nameof(Glm4vRemoteChatClient.ForEndpoint))!.DeclaringType!.Assembly);
    }

    [Fact]
    public void No_public_API_outside_the_engine_shows_a_TorchSharp_type()
    {
        var leaks = new[] { Remote, Local, Shared }
            .SelectMany(a => a.GetExportedTypes())
            .SelectMany(t => PublicSignatureTypes(t).Where(IsTorch).Select(x => $"{t.FullName}: {x.FullName}"))
            .Distinct()
            .ToList();
        Assert.Empty(leaks);
    }

    [Fact]
    public void The_check_sees_the_TorchSharp_types_the_engine_exposes()
    {
        // The engine's ModelInputs holds tensors: the scan must see them, or the test above could never fail.
        Assert.Contains(PublicSignatureTypes(typeof(ModelInputs)), IsTorch);
    }

    static bool IsTorch(Type t) => t.Assembly.GetName().Name!.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase);

    const BindingFlags Visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    static IEnumerable<Type> PublicSignatureTypes(Type t)
    {
        var direct = new List<Type>();
        if (t.BaseType is { } b) direct.Add(b);
        direct.AddRange(t.GetInterfaces());
        foreach (var m in t.GetMembers(Visible | BindingFlags.NonPublic))
        {
            switch (m)
            {
                case MethodBase mb when mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly:
                    if (mb is MethodInfo mi) direct.Add(mi.ReturnType);
                    direct.AddRange(mb.GetParameters().Select(p => p.ParameterType));
                    break;
                case PropertyInfo p when p.GetMethod is { IsPublic: true } || p.SetMethod is { IsPublic: true }:
                    direct.Add(p.PropertyType);
                    break;
                case FieldInfo f when f.IsPublic || f.IsFamily:
                    direct.Add(f.FieldType);
                    break;
                case EventInfo e when e.AddMethod is { IsPublic: true }:
                    direct.Add(e.EventHandlerType!);
                    break;
            }
        }
        return direct.SelectMany(Expand);
    }

    // A signature type with its element and generic argument types (Task<Tensor>, Tensor[], ref Tensor).
    static IEnumerable<Type> Expand(Type t)
    {
        yield return t;
        if (t.HasElementType) foreach (var x in Expand(t.GetElementType()!)) yield return x;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) foreach (var x in Expand(a)) yield return x;
    }
}
