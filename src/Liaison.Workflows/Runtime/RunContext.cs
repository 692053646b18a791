using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// The host's per-run bag (e.g. the case being routed). Opaque to the engine; activities read it and
/// expression contributors use it to publish getCase()/Case.
/// </summary>
public sealed class RunContext
{
    public Dictionary<string, object?> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Extra expression globals for this run only, added after the runner's own contributors.</summary>
    public List<IExpressionGlobalsContributor> ExpressionContributors { get; } = [];

    public T? Get<T>(string key) => Items.TryGetValue(key, out var v) && v is T t ? t : default;

    public T? Get<T>() where T : class => Items.TryGetValue(typeof(T).FullName!, out var v) ? v as T : null;

    public RunContext Set<T>(T value) where T : class
    {
        Items[typeof(T).FullName!] = value;
        return this;
    }

    public RunContext Set(string key, object? value)
    {
        Items[key] = value;
        return this;
    }
}
