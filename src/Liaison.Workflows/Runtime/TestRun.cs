using Liaison.Workflows.Definitions;

namespace Liaison.Workflows.Runtime;

/// <summary>Outcome of a designer "try it" run; nothing is stored.</summary>
public sealed record TestRunResult(
    WorkflowStatus Status,
    IReadOnlyList<string> WriteLines,
    IReadOnlyList<JournalEntry> Journal,
    IReadOnlyList<Bookmark> Bookmarks,
    IReadOnlyList<Incident> Incidents,
    IReadOnlyList<IWorkflowEffect> Effects,
    WorkflowInstanceState State);

/// <summary>
/// Runs a definition from the start and, with resumeAll, keeps resuming every pending bookmark (timers by due
/// time, then others in creation order) without waiting for real time, until none remain or the run faults.
/// Bookmarks that <c>resumable</c> refuses (a person's decision: a test run does not invent it) stay pending, and the
/// run ends Suspended when only those remain.
/// </summary>
public static class TestRun
{
    public static TestRunResult Run(WorkflowRunner runner, WorkflowDefinition definition, IReadOnlyDictionary<string, object?>? input = null,
        bool resumeAll = false, RunContext? context = null, int maxResumes = 1000, Func<Bookmark, bool>? resumable = null)
    {
        var writeLines = new List<string>();
        var journal = new List<JournalEntry>();
        var incidents = new List<Incident>();
        var effects = new List<IWorkflowEffect>();
        var result = runner.Start(definition, input, context);
        Collect(result);
        var resumes = 0;
        while (resumeAll && result.Status == WorkflowStatus.Suspended)
        {
            var next = result.State.Bookmarks
                .Select((b, i) => (b, i))
                .Where(x => resumable?.Invoke(x.b) ?? true)
                .OrderBy(x => x.b.ResumeAt ?? x.b.CreatedAt)
                .ThenBy(x => x.i)
                .Select(x => x.b)
                .FirstOrDefault();
            if (next is null)
            {
                break;
            }

            if (++resumes > maxResumes)
            {
                incidents.Add(new Incident(null, null, $"Test run stopped after resuming {maxResumes} bookmarks.", runner.Clock.GetUtcNow()));
                break;
            }
            result = runner.Resume(definition, result.State, next.Id, null, context);
            Collect(result);
        }
        return new TestRunResult(result.Status, writeLines, journal, result.State.Bookmarks, incidents, effects, result.State);

        void Collect(RunResult r)
        {
            writeLines.AddRange(r.WriteLines);
            journal.AddRange(r.Journal);
            incidents.AddRange(r.Incidents);
            effects.AddRange(r.Effects);
        }
    }
}
