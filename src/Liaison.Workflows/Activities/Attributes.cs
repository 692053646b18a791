namespace Liaison.Workflows.Activities;

/// <summary>
/// Names an activity class in the definition JSON and describes it for the designer's palette, in Chinese and English
/// (the Chinese falls back to the English when left empty).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActivityAttribute(string type) : Attribute
{
    /// <summary>The type name used in the JSON, e.g. <c>Elsa.WriteLine</c> or <c>Liaison.Dispatch</c>.</summary>
    public string Type { get; } = type;

    public string Category { get; init; } = "Misc";
    public string DisplayNameZh { get; init; } = "";
    public string DisplayNameEn { get; init; } = "";
    public string DescriptionZh { get; init; } = "";
    public string DescriptionEn { get; init; } = "";
}

/// <summary>
/// Marks a property as an input. Inputs are evaluated (Literal, Variable, JavaScript, Liquid) before every
/// execution and assigned to a fresh activity object.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class InputAttribute : Attribute
{
    public string DisplayNameZh { get; init; } = "";
    public string DisplayNameEn { get; init; } = "";
    public string DescriptionZh { get; init; } = "";
    public string DescriptionEn { get; init; } = "";
    public bool Required { get; init; }

    /// <summary>Used when the definition does not set the input.</summary>
    public object? DefaultValue { get; init; }

    /// <summary>The smallest number a literal value may be (a count of working days: 0); checked when a version is saved or published.</summary>
    public long Min { get; init; } = long.MinValue;

    /// <summary>
    /// The largest number a literal value may be (a count of working days: about a year's worth); checked with
    /// <see cref="Min"/>, and both shown in the designer's hint.
    /// </summary>
    public long Max { get; init; } = long.MaxValue;

    /// <summary>Overrides the type name shown to the designer.</summary>
    public string? TypeName { get; init; }

    /// <summary>
    /// The property is bound from the raw JSON property rather than an <c>{expression}</c> wrapper
    /// (e.g. SetVariable's <c>variable</c> object). The property type must be <c>JsonNode?</c>.
    /// </summary>
    public bool Raw { get; init; }

    /// <summary>
    /// The value is HTML (SendEmail's body): a Liquid expression's inserted values are HTML-encoded, as Elsa 3 encodes
    /// every Liquid expression, so a case's text cannot add markup or links to a mail. Other inputs keep their values
    /// as written (Elsa's encoding would put character references for an ampersand and for Chinese into a subject).
    /// </summary>
    public bool Html { get; init; }

    /// <summary>The literal value is JavaScript source the activity runs (RunJavaScript's script): checked and scanned like an expression.</summary>
    public bool Script { get; init; }

    /// <summary>
    /// A type implementing <see cref="IInputChoices"/> with a parameterless constructor: the values a literal may take,
    /// checked when a version is saved or published and offered by the designer. An expression is not checked: its value
    /// is known only when it runs.
    /// </summary>
    public Type? Choices { get; init; }
}

/// <summary>The closed set of values an input's literal may take (<see cref="InputAttribute.Choices"/>).</summary>
public interface IInputChoices
{
    /// <summary>The values, exactly as the activity reads them.</summary>
    IReadOnlyList<string> Values { get; }

    /// <summary>A literal may name several of them (the designer says so).</summary>
    bool Several { get; }

    /// <summary>What <paramref name="value"/>, one of <see cref="Values"/>, means, for the designer to show beside it; null when the value speaks for itself.</summary>
    LocalizedText? Label(string value) => null;

    /// <summary>
    /// The names in <paramref name="literal"/> the activity would not take, read exactly as the activity reads its input
    /// (so the check at publish and the run agree); empty when it takes it.
    /// </summary>
    IReadOnlyList<string> Unknown(string literal);
}

/// <summary>Declares the outcomes (ports) of an activity. Without this attribute an activity has the single outcome "Done".</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OutcomesAttribute(params string[] outcomes) : Attribute
{
    public IReadOnlyList<string> Outcomes { get; } = outcomes;
}

/// <summary>
/// Names an outcome for people, on the <c>const string</c> that holds it: the designer labels the port with it, while
/// the outcome itself (the identifier in the definition JSON) stays as it is.
/// </summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class OutcomeLabelAttribute(string zh, string en) : Attribute
{
    public string Zh { get; } = zh;
    public string En { get; } = en;
}
