using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Native.Function;
using Jint.Native.Object;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;
using Liaison.Workflows.Runtime;

namespace Liaison.Workflows.Expressions;

/// <summary>
/// One sandboxed Jint engine per run (created on first use), so scripts of different instances never share
/// globals. Parsed scripts are cached process-wide per source text.
/// </summary>
internal sealed class JavaScriptRuntime
{
    private static readonly ConcurrentDictionary<string, PreparedScript> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Replacement patterns that insert the match itself (<c>$&amp;</c>: all matches together at most the text), or up to
    /// the whole text each time: the text beside a match, or a group (a group inside a lookahead captures past a match).
    /// </summary>
    private static readonly Regex MatchedText = new(@"\$&", RegexOptions.Compiled);

    private static readonly Regex Sides = new(@"\$[`'\d<]", RegexOptions.Compiled);

    private readonly Engine _engine;
    private readonly IExpressionScope _scope;
    private readonly ScriptLimits _limits;

    private readonly IReadOnlySet<string> _used;

    /// <param name="used">Identifiers appearing in the definition's scripts; globals nobody names are not defined.</param>
    public JavaScriptRuntime(IExpressionScope scope, IReadOnlyCollection<string> variableNames, IReadOnlySet<string> used)
    {
        _used = used;
        _scope = scope;
        _limits = scope.Limits;
        // No AllowClr: scripts cannot reach .NET types or namespaces.
        _engine = new Engine(o =>
        {
            o.Strict();
            o.TimeoutInterval(_limits.Timeout);
            o.LimitMemory(_limits.MemoryLimitBytes);
            o.LimitRecursion(_limits.MaxRecursion);
            o.MaxStatements(_limits.MaxStatements);
            o.Constraints.RegexTimeout = _limits.RegexTimeout;
            o.Constraints.MaxArraySize = _limits.MaxArraySize;
            o.TimeSystem = new ClockTimeSystem(scope.Clock, scope.TimeZone);
        });
        GuardStringBuilders();
        RemoveUnboundedGlobals();
        DefineGlobals(variableNames);
    }

    /// <summary>
    /// Globals a workflow script has no use for and the limits cannot bound: <c>Atomics.wait</c> blocks the thread past
    /// the script timeout (Jint checks it between statements), and binary buffers are allocated whole in one call, outside
    /// the array size limit. <c>WeakRef</c> and <c>FinalizationRegistry</c> would make a run depend on the garbage collector.
    /// </summary>
    internal static readonly string[] RemovedGlobals =
    [
        "Atomics", "SharedArrayBuffer", "ArrayBuffer", "DataView", "WeakRef", "FinalizationRegistry",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
        "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
    ];

    private void RemoveUnboundedGlobals()
    {
        foreach (var name in RemovedGlobals)
        {
            _engine.Global.Delete(name);
        }
    }

    /// <summary>Parses (or fetches from cache) a script; throws <see cref="ExpressionException"/> on a syntax error.</summary>
    public static PreparedScript Prepare(string source)
    {
        var prepared = Cache.GetOrAdd(source, PreparedScript.Create);
        if (prepared.Error != null) throw new ExpressionException(prepared.Error);
        return prepared;
    }

    public object? Evaluate(string source)
    {
        var script = Prepare(source);
        JsValue result;
        try
        {
            result = _engine.Evaluate(script.Script);
        }
        catch (Exception ex) when (ex is not ExpressionException)
        {
            throw new ExpressionException(Describe(ex, _limits), ex);
        }
        return FromJs(result);
    }

    internal static string Describe(Exception ex, ScriptLimits limits)
    {
        for (var e = ex; e != null; e = e.InnerException)
        {
            if (e is ScriptLimitException) return e.Message;
            if (e is RegexMatchTimeoutException)
                return $"Script regular expression exceeded the time limit of {limits.RegexTimeout.TotalSeconds:0.###} s (RegexTimeout).";
        }
        if (ex.GetType().Name == "MemoryLimitExceededException" && ex.Message.Contains("array", StringComparison.OrdinalIgnoreCase))
            return $"Script exceeded the array size limit of {limits.MaxArraySize} elements (MaxArraySize): {ex.Message}";
        return DescribeByType(ex, limits);
    }

    private static string DescribeByType(Exception ex, ScriptLimits limits) => ex.GetType().Name switch
    {
        "TimeoutException" => $"Script exceeded the time limit of {limits.Timeout.TotalSeconds:0.###} s (TimeoutInterval).",
        "MemoryLimitExceededException" => $"Script exceeded the memory limit of {limits.MemoryLimitBytes / (1024.0 * 1024):0.##} MB (MemoryLimit).",
        "RecursionDepthOverflowException" => $"Script exceeded the recursion limit of {limits.MaxRecursion} (LimitRecursion).",
        "StatementsCountOverflowException" => $"Script exceeded the limit of {limits.MaxStatements} statements (MaxStatements).",
        "JavaScriptException" => $"Script error: {ex.Message}",
        "OutOfMemoryException" or "InsufficientExecutionStackException" => $"Script exceeded the memory limit ({ex.GetType().Name}).",
        _ => $"Script error ({ex.GetType().Name}): {ex.Message}",
    };

    /// <summary>
    /// Jint checks the memory limit between statements, so one call building a huge string would allocate it first: the
    /// built-ins a script can ask for an arbitrary length with (repeat, padStart, padEnd, concat, replace, replaceAll,
    /// join, toLocaleString, JSON.stringify) check the length they are about to build against MaxStringLength and
    /// refuse. A replacement function's results are counted as they come. The originals stay in the closures only, out
    /// of a script's reach.
    /// </summary>
    private void GuardStringBuilders()
    {
        var stringPrototype = _engine.Evaluate("String.prototype").AsObject();
        var arrayPrototype = _engine.Evaluate("Array.prototype").AsObject();
        Guard(stringPrototype, "repeat", 1, (self, args) => TypeConverter.ToString(self).Length * Number(args, 0));
        Guard(stringPrototype, "padStart", 2, (self, args) => Number(args, 0));
        Guard(stringPrototype, "padEnd", 2, (self, args) => Number(args, 0));
        Guard(stringPrototype, "concat", 1, (self, args) => TypeConverter.ToString(self).Length + args.Sum(a => (double)TypeConverter.ToString(a).Length));
        Guard(stringPrototype, "replace", 2, (self, args) => Replaced(self, args, all: false));
        Guard(stringPrototype, "replaceAll", 2, (self, args) => Replaced(self, args, all: true));
        Guard(arrayPrototype, "join", 1, Joined);
        Guard(arrayPrototype, "toLocaleString", 0, (self, _) => Joined(self, []));
        Guard(_engine.Evaluate("JSON").AsObject(), "stringify", 3, (_, args) => Stringified(args));
        // String.raw interleaves any list of strings; nothing a workflow needs, so it is not there.
        _engine.Evaluate("String").AsObject().Delete("raw");
    }

    /// <summary>Replaces a built-in with one that refuses, before calling it, to build more than MaxStringLength.</summary>
    private void Guard(ObjectInstance prototype, string name, int length, Func<JsValue, JsValue[], double> resultLength)
    {
        var original = prototype.Get(name);
        var replacing = name.StartsWith("replace", StringComparison.Ordinal);
        var guarded = new ClrFunction(_engine, name, (self, args) =>
        {
            if (resultLength(self, args) > _limits.MaxStringLength) throw TooLong(name);
            var call = replacing && args.Length > 1 && args[1] is Function replacer
                ? new[] { args[0], Counted(name, replacer, TypeConverter.ToString(self).Length) }
                : args;
            return _engine.Call(original, self, call);
        }, length);
        prototype.FastSetProperty(name, new PropertyDescriptor(guarded, writable: true, enumerable: false, configurable: true));
    }

    private ScriptLimitException TooLong(string name) =>
        new($"Script exceeded the string length limit of {_limits.MaxStringLength} characters (MaxStringLength) in {name}.");

    /// <summary>A replacement function, wrapped: the text plus everything it returns must stay within the limit.</summary>
    private ClrFunction Counted(string name, Function replacer, int text)
    {
        var total = (double)text;
        return new ClrFunction(_engine, "replacer", (self, args) =>
        {
            var value = TypeConverter.ToString(_engine.Call(replacer, self, args));
            total += value.Length;
            if (total > _limits.MaxStringLength) throw TooLong(name);
            return value;
        });
    }

    /// <summary>
    /// The separators and the elements' own lengths: strings as they are, a nested array by the same count (an array met
    /// again in its own elements counts nothing, as join writes nothing for it), anything else as its text. The array
    /// size limit bounds how many there are.
    /// </summary>
    private double Joined(JsValue self, JsValue[] args)
    {
        var separator = args.Length > 0 && !args[0].IsUndefined() ? TypeConverter.ToString(args[0]).Length : 1;
        return self is ObjectInstance array ? Joined(array, separator, new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance)) : 0;
    }

    private double Joined(ObjectInstance array, int separator, HashSet<ObjectInstance> open)
    {
        // Arrays nested thousands deep (a loop of a = [a]) must not overflow this thread's stack while counting.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (!open.Add(array)) return 0;
        var length = TypeConverter.ToNumber(array.Get("length"));
        var total = Math.Max(0, length - 1) * separator;
        for (uint i = 0; i < length && total <= _limits.MaxStringLength; i++)
        {
            total += array.Get(i) switch
            {
                var item when item.IsString() => item.AsString().Length,
                var item when item.IsNull() || item.IsUndefined() => 0,
                ObjectInstance nested when nested.IsArray() => Joined(nested, 1, open),
                var item => TypeConverter.ToString(item).Length,
            };
        }

        open.Remove(array);
        return total;
    }

    /// <summary>
    /// The most JSON.stringify could write: strings with their quotes and escapes, numbers and literals, arrays and
    /// objects with their punctuation and indentation, a <c>toJSON</c>'s result in place of its object. A replacer
    /// function cannot be told in advance: its results are what is written, each within the limits.
    /// </summary>
    private double Stringified(JsValue[] args)
    {
        var indent = args.Length > 2 ? args[2] switch
        {
            var n when n.IsNumber() => Math.Clamp(TypeConverter.ToNumber(n), 0, 10),
            var t when t.IsString() => Math.Min(t.AsString().Length, 10),
            _ => 0,
        } : 0;
        return args.Length > 0 ? Json(args[0], indent, 1, new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance)) : 0;
    }

    private double Json(JsValue value, double indent, int depth, HashSet<ObjectInstance> open)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (value is ObjectInstance o && o.Get("toJSON") is ObjectInstance { } toJson && toJson is Function)
        {
            value = _engine.Call(toJson, o, [JsString.Empty]);
        }

        if (value.IsString()) return value.AsString().Sum(c => c is '"' or '\\' || c < ' ' ? 6.0 : 1.0) + 2;
        if (value is not ObjectInstance node || node is Function) return 24;
        if (!open.Add(node)) return 0; // a cycle: stringify refuses it
        var line = indent > 0 ? 1 + indent * depth : 0;
        double total = 2 + line;
        if (node.IsArray())
        {
            var length = TypeConverter.ToNumber(node.Get("length"));
            for (uint i = 0; i < length && total <= _limits.MaxStringLength; i++)
            {
                total += 1 + line + Json(node.Get(i), indent, depth + 1, open);
            }
        }
        else
        {
            foreach (var key in node.GetOwnPropertyKeys(Types.String))
            {
                if (total > _limits.MaxStringLength) break;
                total += TypeConverter.ToString(key).Length + 4 + line + Json(node.Get(key), indent, depth + 1, open);
            }
        }

        open.Remove(node);
        return total;
    }

    /// <summary>
    /// The text kept plus each match's replacement: one match for replace with a string or a regex without the g flag,
    /// else at most one per occurrence of a string pattern or one per position. In the replacement, $&amp; and a group
    /// insert matched text (all matches together at most the text), $` and $' up to the whole text each time. A
    /// replacement function is counted as it runs (<see cref="Counted"/>).
    /// </summary>
    private static double Replaced(JsValue self, JsValue[] args, bool all)
    {
        if (args.Length < 2 || args[1] is Function) return 0;
        var text = TypeConverter.ToString(self).Length;
        var replacement = TypeConverter.ToString(args[1]);
        double matches;
        if (args[0] is ObjectInstance regex)
        {
            matches = TypeConverter.ToBoolean(regex.Get("global")) ? text + 1.0 : 1;
        }
        else
        {
            var pattern = TypeConverter.ToString(args[0]).Length;
            matches = !all ? 1 : pattern > 0 ? (double)text / pattern : text + 1.0;
        }

        return text + matches * (replacement.Length + Sides.Count(replacement) * (double)text) + MatchedText.Count(replacement) * (double)text;
    }

    private static double Number(JsValue[] args, int i)
    {
        var n = args.Length > i ? TypeConverter.ToNumber(args[i]) : 0;
        return double.IsNaN(n) ? 0 : n;
    }

    private void DefineGlobals(IReadOnlyCollection<string> variableNames)
    {
        var scope = _scope;
        Fn("getVariable", args => ToJs(scope.GetVariable(Arg(args, 0))), 1);
        Fn("setVariable", args => { scope.SetVariable(Arg(args, 0), FromJs(args.Length > 1 ? args[1] : JsValue.Undefined)); return JsValue.Undefined; }, 2);
        Fn("getInput", args => ToJs(scope.GetInput(Arg(args, 0))), 1);
        Fn("getOutputFrom", args => ToJs(scope.GetOutputFrom(Arg(args, 0), args.Length > 1 && args[1].IsString() ? args[1].AsString() : null)), 2);
        Fn("getLastResult", _ => ToJs(scope.GetLastResult()), 0);
        Fn("setOutcome", args => { scope.SetOutcomes([Arg(args, 0)]); return JsValue.Undefined; }, 1);
        Fn("setOutcomes", args =>
        {
            var list = new List<string>();
            if (args.Length > 0 && FromJs(args[0]) is { } value)
                foreach (var item in ValueConverter.ConvertTo(value, typeof(string[])) as string[] ?? []) list.Add(item);
            scope.SetOutcomes(list);
            return JsValue.Undefined;
        }, 1);

        // variables.<name>: live accessors, so reads see and writes change the instance's variables.
        var variables = _used.Contains("variables") ? new JsObject(_engine) : null;
        foreach (var name in variableNames)
        {
            var n = name;
            if (variables != null)
            {
                var getter = new ClrFunction(_engine, "get", (_, _) => ToJs(scope.GetVariable(n)));
                var setter = new ClrFunction(_engine, "set", (_, a) => { scope.SetVariable(n, FromJs(a.Length > 0 ? a[0] : JsValue.Undefined)); return JsValue.Undefined; });
                variables.FastSetProperty(n, new GetSetPropertyDescriptor(getter, setter, enumerable: true, configurable: false));
            }
            if (!IsIdentifier(n)) continue;
            Fn("get" + Pascal(n), _ => ToJs(scope.GetVariable(n)), 0);
            Fn("set" + Pascal(n), a => { scope.SetVariable(n, FromJs(a.Length > 0 ? a[0] : JsValue.Undefined)); return JsValue.Undefined; }, 1);
        }
        if (variables != null) _engine.SetValue("variables", variables);

        foreach (var (key, _) in scope.AllInputs())
        {
            var k = key;
            if (!IsIdentifier(k) || variableNames.Contains(k, StringComparer.OrdinalIgnoreCase)) continue;
            Fn("get" + Pascal(k), _ => ToJs(scope.GetInput(k)), 0);
        }

        foreach (var (name, function) in scope.Globals.Functions)
        {
            var f = function;
            Fn(name, args =>
            {
                var list = new object?[args.Length];
                for (var i = 0; i < args.Length; i++) list[i] = FromJs(args[i]);
                return ToJs(f(list));
            }, 0);
        }
    }

    private void Fn(string name, Func<JsValue[], JsValue> body, int length)
    {
        if (!_used.Contains(name)) return;
        _engine.SetValue(name, new ClrFunction(_engine, name, (_, args) => body(args), length));
    }

    private static string Arg(JsValue[] args, int i) =>
        args.Length > i && !args[i].IsNull() && !args[i].IsUndefined() ? args[i].ToString() : throw new ExpressionException("A variable or input name is required.");

    private JsValue ToJs(object? value)
    {
        switch (value)
        {
            case null: return JsValue.Null;
            case string s: return new JsString(s);
            case bool b: return b ? JsBoolean.True : JsBoolean.False;
            case int i: return new JsNumber(i);
            case long l: return new JsNumber(l);
            case double d: return new JsNumber(d);
            case decimal m: return new JsNumber((double)m);
            case JsonValue jv: return ToJs(ValueConverter.Unwrap(jv));
        }
        // Objects cross as JSON text: the script gets plain data, never a .NET object.
        var json = value is JsonNode node ? node.ToJsonString() : ValueConverter.ToJsonNode(value)?.ToJsonString() ?? "null";
        return new JsonParser(_engine).Parse(json);
    }

    internal static object? FromJs(JsValue value)
    {
        if (value.IsNull() || value.IsUndefined()) return null;
        if (value.IsString()) return value.AsString();
        if (value.IsBoolean()) return value.AsBoolean();
        if (value.IsNumber())
        {
            var d = value.AsNumber();
            return d % 1 == 0 && d is >= int.MinValue and <= int.MaxValue ? (int)d : d;
        }
        return ValueConverter.Loose(value.ToObject());
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] is '_' or '$')) return false;
        foreach (var c in name)
            if (!(char.IsLetterOrDigit(c) || c is '_' or '$')) return false;
        return true;
    }

    /// <summary>A parsed script, or the syntax error it produced.</summary>
    internal sealed class PreparedScript
    {
        private PreparedScript(Prepared<Script> script, string? error)
        {
            Script = script;
            Error = error;
        }

        public Prepared<Script> Script { get; }
        public string? Error { get; }

        public static PreparedScript Create(string source)
        {
            // Elsa scripts are either a bare expression ("getCounter() > 1") or statements with a top-level
            // "return". Both run inside a function so script-level declarations stay local to the evaluation.
            var trimmed = source.Trim().TrimEnd(';').TrimEnd();
            if (trimmed.Length == 0) trimmed = "undefined";
            try
            {
                return new PreparedScript(Engine.PrepareScript($"(function(){{return ({trimmed}\n);}})()", strict: true), null);
            }
            catch (Exception)
            {
                // Not an expression: fall through to the statement form.
            }
            try
            {
                return new PreparedScript(Engine.PrepareScript($"(function(){{{source}\n}})()", strict: true), null);
            }
            catch (Exception ex)
            {
                return new PreparedScript(default, $"Script syntax error: {ex.Message}");
            }
        }
    }
}

/// <summary>Jint's clock and zone from the run's: <c>new Date()</c> is the run's now, shown in the host's zone.</summary>
internal sealed class ClockTimeSystem(TimeProvider clock, TimeZoneInfo zone) : ITimeSystem
{
    private readonly DefaultTimeSystem _parsing = new(zone, System.Globalization.CultureInfo.InvariantCulture);

    public TimeZoneInfo DefaultTimeZone => zone;

    public DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public bool TryParse(string date, out long epochMilliseconds) => _parsing.TryParse(date, out epochMilliseconds);

    public TimeSpan GetUtcOffset(long epochMilliseconds) => _parsing.GetUtcOffset(epochMilliseconds);
}
