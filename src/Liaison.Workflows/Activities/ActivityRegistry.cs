using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Nodes;
using Liaison.Workflows.Activities.BuiltIn;
using Liaison.Workflows.Activities.Composition;
using Liaison.Workflows.Expressions;

namespace Liaison.Workflows.Activities;

/// <summary>
/// The activity types a runner knows. Each class is reflected once, at registration, into a descriptor, a
/// factory and input setters; nothing is reflected while workflows run.
/// </summary>
public sealed class ActivityRegistry
{
    private readonly ConcurrentDictionary<string, ActivityType> _types = new(StringComparer.Ordinal);

    /// <summary>A registry with the built-in Elsa activities.</summary>
    public static ActivityRegistry CreateDefault()
    {
        var r = new ActivityRegistry();
        r.Register<Start>();
        r.Register<End>();
        r.Register<WriteLine>();
        r.Register<SetVariable>();
        r.Register<FlowDecision>();
        r.Register<FlowJoin>();
        r.Register<Delay>();
        r.Register<Event>();
        r.Register<SendEmail>();
        r.Register<Fault>();
        r.Register<ExecuteWorkflow>();
        r.Register<DispatchWorkflow>();
        r.Register<WorkflowDefinitionActivity>();
        r.Register<SetOutput>();
        r.Register<Complete>();
        r.Register<FlowFork>();
        r.Register<FlowSwitch>();
        r.Register<RunJavaScript>();
        r.Register<SetName>();
        r.Register<Correlate>();
        r.Register<ForEach>();
        r.Register<While>();
        r.Register<Break>();
        r.Register<Fork>();
        r.Register<Sequence>();
        r.Register<NestedFlowchart>();
        return r;
    }

    public ActivityRegistry Register<T>() where T : Activity, new() => Register(typeof(T));

    public ActivityRegistry Register(Type clrType)
    {
        var type = ActivityType.Create(clrType);
        if (!_types.TryAdd(type.TypeName, type) && _types[type.TypeName].ClrType != clrType)
            throw new InvalidOperationException($"Activity type '{type.TypeName}' is already registered by {_types[type.TypeName].ClrType.FullName}.");
        return this;
    }

    public ActivityType? Find(string typeName) => _types.TryGetValue(typeName, out var t) ? t : null;

    /// <summary>
    /// The type a node runs as: its registered type, else — for a workflow definition used as an activity (the node
    /// names it with <c>workflowDefinitionId</c>) — <see cref="WorkflowDefinitionActivity"/>.
    /// </summary>
    public ActivityType? Resolve(Definitions.ActivityNode node) =>
        Find(node.Type) ?? (WorkflowDefinitionActivity.DefinitionIdOf(node) != null ? Find(WorkflowDefinitionActivity.TypeName) : null);

    /// <summary>The outcomes of one configured node: its class's, or what the node's configuration gives it; null means any.</summary>
    public IReadOnlyList<string>? OutcomesOf(Definitions.ActivityNode node)
    {
        var type = Resolve(node);
        if (type == null) return null;
        if (!type.HasDynamicOutcomes) return [.. type.Outcomes];
        return ((IDynamicOutcomes)type.Factory()).OutcomesOf(node);
    }

    public IReadOnlyList<ActivityDescriptor> Descriptors =>
        _types.Values.Select(t => t.Descriptor).OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.Type, StringComparer.Ordinal).ToList();
}

/// <summary>One registered activity class, reflected once.</summary>
public sealed class ActivityType
{
    private ActivityType(string typeName, Type clrType, ActivityDescriptor descriptor, Func<Activity> factory, InputProperty[] inputs)
    {
        TypeName = typeName;
        ClrType = clrType;
        Descriptor = descriptor;
        Factory = factory;
        Inputs = inputs;
        Outcomes = new HashSet<string>(descriptor.Outcomes, StringComparer.Ordinal);
        IsTerminal = typeof(ITerminalActivity).IsAssignableFrom(clrType);
        IsJoin = typeof(IJoinActivity).IsAssignableFrom(clrType);
        HasDynamicInputs = typeof(IDynamicInputs).IsAssignableFrom(clrType);
        HasDynamicOutcomes = typeof(IDynamicOutcomes).IsAssignableFrom(clrType);
    }

    public string TypeName { get; }
    public Type ClrType { get; }
    public ActivityDescriptor Descriptor { get; }
    public IReadOnlySet<string> Outcomes { get; }
    public bool IsTerminal { get; }
    public bool IsJoin { get; }
    public bool HasDynamicInputs { get; }
    public bool HasDynamicOutcomes { get; }
    internal Func<Activity> Factory { get; }
    internal InputProperty[] Inputs { get; }

    internal static ActivityType Create(Type clrType)
    {
        if (!typeof(Activity).IsAssignableFrom(clrType) || clrType.IsAbstract)
            throw new ArgumentException($"{clrType.FullName} is not a concrete Activity.");
        var attr = clrType.GetCustomAttribute<ActivityAttribute>()
                   ?? throw new ArgumentException($"{clrType.FullName} has no [Activity] attribute.");
        var ctor = clrType.GetConstructor(Type.EmptyTypes) ?? throw new ArgumentException($"{clrType.FullName} needs a parameterless constructor.");
        var factory = Expression.Lambda<Func<Activity>>(Expression.New(ctor)).Compile();

        var inputs = new List<InputProperty>();
        foreach (var p in clrType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var ia = p.GetCustomAttribute<InputAttribute>();
            if (ia == null) continue;
            if (!p.CanWrite) throw new ArgumentException($"{clrType.FullName}.{p.Name} is an input but has no setter.");
            if (ia.Raw && p.PropertyType != typeof(JsonNode))
                throw new ArgumentException($"{clrType.FullName}.{p.Name} is a raw input and must be a JsonNode.");
            var a = Expression.Parameter(typeof(Activity));
            var v = Expression.Parameter(typeof(object));
            var setter = Expression.Lambda<Action<Activity, object?>>(
                Expression.Assign(Expression.Property(Expression.Convert(a, clrType), p), Expression.Convert(v, p.PropertyType)), a, v).Compile();
            object? defaultValue = null;
            if (ia.DefaultValue != null)
                defaultValue = ValueConverter.ConvertTo(ia.DefaultValue, p.PropertyType);
            IInputChoices? choices = null;
            if (ia.Choices is { } choicesType)
                choices = Activator.CreateInstance(choicesType) as IInputChoices
                          ?? throw new ArgumentException($"{clrType.FullName}.{p.Name}: {choicesType.FullName} does not implement IInputChoices.");
            inputs.Add(new InputProperty(CamelCase(p.Name), p.PropertyType, setter, ia, defaultValue, choices));
        }

        var outcomes = clrType.GetCustomAttribute<OutcomesAttribute>()?.Outcomes ?? [Activity.Done];
        var descriptor = new ActivityDescriptor(
            attr.Type,
            attr.Category,
            new LocalizedText(Or(attr.DisplayNameZh, attr.DisplayNameEn, clrType.Name), Or(attr.DisplayNameEn, clrType.Name)),
            new LocalizedText(Or(attr.DescriptionZh, attr.DescriptionEn), attr.DescriptionEn),
            inputs.Select(i => new InputDescriptor(
                i.Name,
                i.Attribute.TypeName ?? TypeNameOf(i.Type),
                i.Attribute.Required,
                new LocalizedText(Or(i.Attribute.DisplayNameZh, i.Attribute.DisplayNameEn, i.Name), Or(i.Attribute.DisplayNameEn, i.Name)),
                WithRange(new LocalizedText(Or(i.Attribute.DescriptionZh, i.Attribute.DescriptionEn), i.Attribute.DescriptionEn), i.Attribute),
                i.DefaultValue is Enum e ? e.ToString() : i.DefaultValue)
                {
                    Choices = i.Choices?.Values, SeveralChoices = i.Choices?.Several == true, ChoiceLabels = i.Choices is { } c ? LabelsOf(c) : null,
                }).ToList(),
            outcomes.ToList(),
            OutcomeLabel.Of(clrType));
        return new ActivityType(attr.Type, clrType, descriptor, factory, inputs.ToArray());
    }

    private static Dictionary<string, LocalizedText>? LabelsOf(IInputChoices choices)
    {
        var labels = new Dictionary<string, LocalizedText>(StringComparer.Ordinal);
        foreach (var value in choices.Values)
        {
            if (choices.Label(value) is { } label) labels[value] = label;
        }

        return labels.Count > 0 ? labels : null;
    }

    /// <summary>An input's hint with the numbers it takes, when it has an upper bound: the validator's rule, stated once.</summary>
    private static LocalizedText WithRange(LocalizedText description, InputAttribute input)
    {
        if (input.Max == long.MaxValue)
        {
            return description;
        }

        var (zh, en) = input.Min == long.MinValue
            ? ($"最大 {input.Max}。", $"At most {input.Max}.")
            : ($"可填 {input.Min}–{input.Max}。", $"From {input.Min} to {input.Max}.");
        return new LocalizedText(description.ZhCn + zh, description.En.Length == 0 ? en : $"{description.En} {en}");
    }

    private static string Or(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    internal static string TypeNameOf(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(string)) return "String";
        if (t == typeof(bool)) return "Boolean";
        if (t == typeof(int)) return "Int32";
        if (t == typeof(long)) return "Int64";
        if (t == typeof(double)) return "Double";
        if (t == typeof(decimal)) return "Decimal";
        if (t == typeof(TimeSpan)) return "TimeSpan";
        if (t == typeof(DateTimeOffset)) return "DateTimeOffset";
        if (t == typeof(string[]) || t == typeof(List<string>) || t == typeof(IReadOnlyList<string>)) return "String[]";
        if (t == typeof(object) || typeof(JsonNode).IsAssignableFrom(t)) return "Object";
        return t.Name;
    }
}

internal sealed record InputProperty(string Name, Type Type, Action<Activity, object?> Setter, InputAttribute Attribute, object? DefaultValue, IInputChoices? Choices = null);
