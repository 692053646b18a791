using System.Text.Json.Nodes;
using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Runtime;

/// <summary>Outcome of a designer "try it" run; nothing is stored. Journal, lines and effects span the children too.</summary>
public sealed record TestRunResult(
    WorkflowStatus Status,
    IReadOnlyList<string> WriteLines,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<Bookmark> Bookmarks,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<IWorkflowEffect> Effects,
    WorkflowInstanceState State)
{
    /// <summary>The workflow's outputs (set by <c>Elsa.SetOutput</c>).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Output => State.Output;

    /// <summary>Every child instance the run started, in start order.</summary>
    public IReadOnlyList<TestRunChild> Children { get; init; } = [];
}

/// <summary>One child instance of a test run: who started it, how it ended, and what it wrote.</summary>
public sealed record TestRunChild(
    string InstanceId,
    string ParentInstanceId,
    string ParentActivityId,
    string DefinitionId,
    int Version,
    WorkflowStatus Status,
    IReadOnlyList<string> WriteLines,
    IReadOnlyDictionary<string, JsonNode?> Output,
    IReadOnlyList<string> Outcomes,
    IReadOnlyList<Bookmark> Bookmarks,
    string? BodyPath = null);

/// <summary>
/// Runs a definition from the start and, with resumeAll, keeps resuming every pending bookmark of the instance and
/// its children (timers by due time, then others in creation order) without waiting for real time, until none
/// remain or the run faults. Bookmarks that <c>resumable</c> refuses (a person's decision: a test run does not invent
/// it) stay pending, and the run ends Suspended when only those remain. Children are found by <c>resolveChild</c>;
/// without it a child cannot start and its parent sees it as faulted.
/// </summary>
public static class TestRun
{
    public static TestRunResult Run(WorkflowRunner runner, WorkflowDefinition definition, IReadOnlyDictionary<string, object?>? input = null,
        bool resumeAll = false, RunContext? context = null, int maxResumes = 1000, Func<Bookmark, bool>? resumable = null,
        Func<ChildWorkflowRequest, WorkflowDefinition?>? resolveChild = null, CancellationToken cancellationToken = default)
    {
        // The whole request is capped (every resume and child together), not just each run.
        context ??= new RunContext();
        context.Set(new RunBudget(runner.Options.TestRun, cancelled: cancellationToken));
        var tree = new WorkflowTree(runner, resolveChild ?? (_ => null), context);
        var root = tree.Start(definition, input);
        var stopped = new List<Incident>();
        var resumes = 0;
        // Children dispatched without waiting may still wait after their parent finished: drive them too.
        while (resumeAll && root.State.Status is WorkflowStatus.Suspended or WorkflowStatus.Finished)
        {
            var next = tree.PendingBookmarks()
                .Select((x, i) => (x.InstanceId, x.Bookmark, i))
                .Where(x => resumable?.Invoke(x.Bookmark) ?? true)
                .OrderBy(x => x.Bookmark.ResumeAt ?? x.Bookmark.CreatedAt)
                .ThenBy(x => x.i)
                .FirstOrDefault();
            if (next.Bookmark is null)
            {
                break;
            }

            if (++resumes > maxResumes)
            {
                stopped.Add(new Incident(null, null, $"Test run stopped after resuming {maxResumes} bookmarks.", runner.Clock.GetUtcNow()));
                break;
            }
            tree.Resume(next.InstanceId, next.Bookmark.Id);
        }

        var children = tree.Instances.Where(i => i.Request != null).Select(i => new TestRunChild(
            i.InstanceId, i.Request!.ParentInstanceId, i.Request.ParentActivityId, i.Definition.DefinitionId, i.Definition.Version,
            i.State.Status, i.WriteLines, i.State.Output, i.State.Outcomes, i.State.Bookmarks, i.State.BodyPath)).ToList();
        return new TestRunResult(root.State.Status, tree.WriteLines, tree.Journal.Select(j => j.Entry).ToList(), root.State.Bookmarks,
            [.. tree.Incidents, .. stopped], tree.Effects, root.State) { Children = children };
    }
}
