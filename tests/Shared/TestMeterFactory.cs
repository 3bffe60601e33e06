using System.Diagnostics.Metrics;

namespace Glm4vSK.LocalEngine.Testing;

/// <summary>An <see cref="IMeterFactory"/> as DI's: meters scoped to it, disposed with it.</summary>
public sealed class TestMeterFactory : IMeterFactory
{
    readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters) _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        lock (_meters) foreach (var m in _meters) m.Dispose();
    }
}
