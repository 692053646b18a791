using System.Text;
using System.Text.Encodings.Web;
using Fluid;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// A string writer that refuses to grow past <see cref="MaxLength"/> characters: a Liquid template cannot fill the
/// heap with output, however few steps it takes to produce it.
/// </summary>
public sealed class BoundedTextWriter(int maxLength, string limitName) : StringWriter
{
    public int MaxLength { get; } = maxLength;

    /// <summary>
    /// Renders <paramref name="template"/> into this writer and returns what it holds. Fluid renders synchronously
    /// unless a value it reads is asynchronous, so the wait is rare (Fluid's own synchronous overload did the same).
    /// </summary>
    public string Render(IFluidTemplate template, TemplateContext context, TextEncoder encoder)
    {
        var rendering = template.RenderAsync(this, context, encoder);
        if (!rendering.IsCompletedSuccessfully)
        {
            rendering.AsTask().GetAwaiter().GetResult();
        }

        return ToString();
    }

    public override void Write(char value)
    {
        Ensure(1);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Ensure(count);
        base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Ensure(buffer.Length);
        base.Write(buffer);
    }

    public override void Write(string? value)
    {
        Ensure(value?.Length ?? 0);
        base.Write(value);
    }

    public override void Write(StringBuilder? value)
    {
        Ensure(value?.Length ?? 0);
        base.Write(value);
    }

    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    private void Ensure(int more)
    {
        if ((long)GetStringBuilder().Length + more > MaxLength)
            throw new ScriptLimitException($"Template output exceeded the limit of {MaxLength} characters ({limitName}).");
    }
}

/// <summary>A script or template stopped by one of its limits; the message names the limit.</summary>
public sealed class ScriptLimitException(string message) : Exception(message);
