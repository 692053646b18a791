using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Runtime;

/// <summary>
/// Structured activities (ForEach, While, Fork, a Sequence or Flowchart nested in a flowchart) hold their body as an
/// embedded activity. A body runs as a child instance of the same definition and version whose root is that
/// embedded activity; its <see cref="WorkflowInstanceState.BodyPath"/> says where it sits, e.g.
/// <c>loop:body/fork:branches[1]</c>, so a host can find the body's definition again from the stored definition.
/// Body definitions are derived once per definition object and cached, so the runner's plan cache is hit.
/// </summary>
public static class WorkflowBodies
{
    private static readonly ConditionalWeakTable<WorkflowDefinition, ConcurrentDictionary<string, WorkflowDefinition>> Cache = new();

    /// <summary>The definition of the body at <paramref name="path"/> (segments separated by '/') inside <paramref name="definition"/>.</summary>
    /// <exception cref="WorkflowDefinitionException">The path names an activity or property the definition does not have.</exception>
    public static WorkflowDefinition Resolve(WorkflowDefinition definition, string? path)
    {
        if (string.IsNullOrEmpty(path)) return definition;
        var current = definition;
        foreach (var segment in path.Split('/'))
            current = Child(current, segment);
        return current;
    }

    /// <summary>The body named by one segment, <c>activityId:property</c> or <c>activityId:property[index]</c>.</summary>
    public static WorkflowDefinition Child(WorkflowDefinition definition, string segment) =>
        Cache.GetValue(definition, static _ => new(StringComparer.Ordinal)).GetOrAdd(segment, s => Create(definition, s));

    /// <summary>The segment naming a body of <paramref name="activityId"/>: its <paramref name="property"/>, or one entry of it.</summary>
    public static string Segment(string activityId, string property, int? index = null) =>
        index is { } i ? $"{activityId}:{property}[{i}]" : $"{activityId}:{property}";

    /// <summary>The segments naming every body <paramref name="node"/> holds (a container itself, a loop's body, a fork's branches).</summary>
    public static IEnumerable<string> SegmentsOf(ActivityNode node, Activities.ActivityType type)
    {
        if (typeof(Activities.Composition.ContainerActivity).IsAssignableFrom(type.ClrType))
            yield return Segment(node.Id, "self");
        foreach (var input in type.Descriptor.Inputs)
        {
            var value = node.GetProperty(input.Name);
            if (input.TypeName == "Activity" && value is JsonObject)
                yield return Segment(node.Id, input.Name);
            else if (input.TypeName == "Activity[]" && value is JsonArray items)
                for (var i = 0; i < items.Count; i++)
                    if (items[i] is JsonObject) yield return Segment(node.Id, input.Name, i);
        }
    }

    /// <summary>Activities embedded in <paramref name="node"/> at any depth (bodies, branches, a container's activities), read as written.</summary>
    public static IEnumerable<ActivityNode> Descendants(ActivityNode node)
    {
        foreach (var key in new[] { "body", "branches", "activities" })
        {
            var value = node.GetProperty(key);
            IEnumerable<JsonObject> embedded = value is JsonArray array ? array.OfType<JsonObject>() : value is JsonObject one ? [one] : [];
            foreach (var o in embedded)
            {
                if (o["id"] is not JsonValue || o["type"] is not JsonValue) continue;
                ActivityNode child;
                try { child = WorkflowDefinitionJson.ReadActivity(o, $"{node.Id}.{key}"); }
                catch (WorkflowDefinitionException) { continue; }
                yield return child;
                foreach (var d in Descendants(child)) yield return d;
            }
        }
    }

    private static WorkflowDefinition Create(WorkflowDefinition parent, string segment)
    {
        var colon = segment.LastIndexOf(':');
        if (colon <= 0) throw new WorkflowDefinitionException($"'{segment}' does not name an activity's body.") { MessageZh = $"“{segment}”不是某个活动的循环体或容器体。" };
        var activityId = segment[..colon];
        var property = segment[(colon + 1)..];
        int? index = null;
        if (property.EndsWith(']') && property.IndexOf('[') is var open and > 0)
        {
            index = int.Parse(property[(open + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            property = property[..open];
        }
        var node = parent.Root.Activities.FirstOrDefault(a => a.Id == activityId)
                   ?? throw new WorkflowDefinitionException($"Activity '{activityId}' does not exist, so its body cannot run.", activityId: activityId)
                   {
                       MessageZh = $"活动“{activityId}”不存在，它的循环体或容器体无法运行。",
                   };
        var json = property == "self" ? WorkflowDefinitionJson.WriteActivity(node) : node.GetProperty(property);
        if (index is { } i) json = json is JsonArray array && i < array.Count ? array[i] : null;
        if (json is not JsonObject body)
            throw new WorkflowDefinitionException($"Activity '{activityId}' has no body '{property}{(index is { } n ? $"[{n}]" : "")}'.", activityId: activityId)
            {
                MessageZh = $"活动“{activityId}”没有循环体或容器体 {property}{(index is { } m ? $"[{m}]" : "")}。",
            };
        return new WorkflowDefinition
        {
            Id = parent.Id,
            DefinitionId = parent.DefinitionId,
            Name = parent.Name,
            Version = parent.Version,
            IsLatest = parent.IsLatest,
            IsPublished = parent.IsPublished,
            // The body sees the workflow's variables: their values are copied in when it starts and back when it ends.
            Variables = [.. parent.AllVariables],
            Root = WorkflowDefinitionJson.ReadRoot(body, $"{activityId}.{property}"),
            Extra = new JsonObject { ["outputs"] = parent.Extra["outputs"]?.DeepClone() },
        };
    }
}
