using System.Text.Json.Nodes;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Runtime;
using Liaison.Workflows.Tests.Fixtures;

namespace Liaison.Workflows.Tests;

public class WaitingTests
{
    private static readonly Liaison.Workflows.Definitions.WorkflowDefinition EventFlow = new Flow()
        .Add("start", "Elsa.Start").Line("before", "before")
        .Add("wait", "Elsa.Event", ("eventName", In.Lit("approved"))).Line("after", "after")
        .Connect("start", "before").Connect("before", "wait").Connect("wait", "after").Build();

    [Fact]
    public void Event_waits_on_a_bookmark_keyed_by_name_and_resumes()
    {
        var runner = Harness.Runner();
        var first = runner.Start(EventFlow);

        Assert.Equal(WorkflowStatus.Suspended, first.Status);
        Assert.Equal("before", first.Lines());
        var bookmark = Assert.Single(first.NewBookmarks);
        Assert.Equal(("Elsa.Event", "approved", "wait"), (bookmark.Kind, bookmark.Key, bookmark.ActivityId));
        Assert.Null(bookmark.ResumeAt);
        Assert.Equal(bookmark, Assert.Single(first.State.FindBookmarks("Elsa.Event", "approved")));

        var second = runner.Resume(EventFlow, first.State, bookmark.Id);
        Assert.Equal(WorkflowStatus.Finished, second.Status);
        Assert.Equal("after", second.Lines());
        Assert.Equal([bookmark.Id], second.RemovedBookmarkIds);
        Assert.True(second.Journal[0].Sequence > first.Journal[^1].Sequence);
    }

    [Fact]
    public void Resuming_the_same_bookmark_twice_throws()
    {
        var runner = Harness.Runner();
        var first = runner.Start(EventFlow);
        var id = first.NewBookmarks.Single().Id;
        var second = runner.Resume(EventFlow, first.State, id);

        var again = Assert.Throws<BookmarkNotFoundException>(() => runner.Resume(EventFlow, second.State, id));
        Assert.Equal(id, again.BookmarkId);
        Assert.Throws<BookmarkNotFoundException>(() => runner.Resume(EventFlow, first.State, "nope"));
    }

    [Fact]
    public void Consumed_bookmark_on_a_still_running_instance_throws_BookmarkNotFound()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start")
            .Add("a", "Elsa.Event", ("eventName", In.Lit("a"))).Add("b", "Elsa.Event", ("eventName", In.Lit("b")))
            .Connect("start", "a").Connect("start", "b").Build();
        var runner = Harness.Runner();
        var first = runner.Start(def);
        var a = first.NewBookmarks.Single(x => x.Key == "a");

        var second = runner.Resume(def, first.State, a.Id);

        Assert.Equal(WorkflowStatus.Suspended, second.Status);
        Assert.Throws<BookmarkNotFoundException>(() => runner.Resume(def, second.State, a.Id));
    }

    [Theory]
    [InlineData("00:00:05", 5)]
    [InlineData("PT2M", 120)]
    [InlineData("1.00:00:00", 86400)]
    public void Delay_creates_a_timer_due_now_plus_the_span(string span, int seconds)
    {
        var (runner, clock) = Harness.Create();
        clock.Advance(TimeSpan.FromMinutes(3));
        var def = new Flow().Add("d", "Elsa.Delay", ("timeSpan", In.Lit(span))).Line("w", "woke").Connect("d", "w").Build();

        var first = runner.Start(def);

        var timer = Assert.Single(first.NewTimers);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(seconds), timer.ResumeAt);
        Assert.Equal("Elsa.Delay", timer.Kind);
        Assert.Empty(first.WriteLines);

        clock.Advance(TimeSpan.FromSeconds(seconds));
        var second = runner.Resume(def, first.State, timer.Id);
        Assert.Equal("woke", second.Lines());
        Assert.Equal(clock.GetUtcNow(), second.Journal.Last().At);
    }

    [Fact]
    public void TestRun_resumes_every_bookmark_until_done()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start")
            .Add("slow", "Elsa.Delay", ("timeSpan", In.Lit("00:10:00"))).Line("s", "slow")
            .Add("fast", "Elsa.Delay", ("timeSpan", In.Lit("00:00:10"))).Line("f", "fast")
            .Add("ev", "Elsa.Event", ("eventName", In.Lit("poke"))).Line("e", "event")
            .Connect("start", "slow").Connect("start", "fast").Connect("start", "ev")
            .Connect("slow", "s").Connect("fast", "f").Connect("ev", "e").Build();

        var result = Harness.RunAll(def);

        Assert.Equal(WorkflowStatus.Finished, result.Status);
        Assert.Equal("event; fast; slow", result.Lines()); // event has no due time, so it counts from creation
        Assert.Empty(result.Bookmarks);

        var once = TestRun.Run(Harness.Runner(), def);
        Assert.Equal(WorkflowStatus.Suspended, once.Status);
        Assert.Equal(3, once.Bookmarks.Count);
    }

    [Fact]
    public void Test_run_leaves_bookmarks_it_may_not_resume_waiting_and_resumes_the_rest()
    {
        var def = new Flow()
            .Add("start", "Elsa.Start")
            .Add("timer", "Elsa.Delay", ("timeSpan", In.Lit("00:10:00"))).Line("t", "timer fired")
            .Add("person", "Elsa.Event", ("eventName", In.Lit("decided"))).Line("p", "decided")
            .Connect("start", "timer").Connect("start", "person").Connect("timer", "t").Connect("person", "p").Build();

        var result = TestRun.Run(Harness.Runner(), def, resumeAll: true, resumable: b => b.Kind != "Elsa.Event");

        Assert.Equal(WorkflowStatus.Suspended, result.Status);
        Assert.Equal("timer fired", result.Lines());
        Assert.Equal("person", Assert.Single(result.Bookmarks).ActivityId);
        Assert.Empty(result.Incidents);
    }

    [Fact]
    public void Domain_activity_resumes_with_the_outcome_named_by_the_payload()
    {
        var registry = ActivityRegistry.CreateDefault().Register<TestHumanTask>();
        var (runner, clock) = Harness.Create(registry: registry);
        var def = new Flow()
            .Add("task", "Liaison.TestHumanTask", ("handler", In.Js("getInput('handler')")), ("dueIn", In.Lit("2.00:00:00")))
            .Line("ok", "accepted").Line("back", "returned").Line("late", "overdue")
            .Connect("task", "ok", "Accepted").Connect("task", "back", "Returned").Connect("task", "late", "ResolveDue").Build();
        var ctx = new RunContext().Set("caseNumber", "AYKF-2026-000042");

        var first = runner.Start(def, new Dictionary<string, object?> { ["handler"] = "li@anyue.example" }, ctx);

        var notice = Assert.IsType<CaseNotice>(Assert.Single(first.Effects));
        Assert.Equal("dispatched to li@anyue.example", notice.Text);
        Assert.Equal(2, first.NewBookmarks.Count);
        var action = first.NewBookmarks.Single(b => b.Kind == "Liaison.Action");
        var deadline = first.NewBookmarks.Single(b => b.Kind == "Liaison.Deadline");
        Assert.Equal("AYKF-2026-000042", action.Key);
        Assert.Equal("li@anyue.example", action.Payload!["handler"]!.GetValue<string>());
        Assert.Equal(clock.GetUtcNow().AddDays(2), deadline.ResumeAt);

        var returned = runner.Resume(def, first.State, action.Id, new JsonObject { ["outcome"] = "Returned" }, ctx);
        Assert.Equal("returned", returned.Lines());
        Assert.Equal(WorkflowStatus.Finished, returned.Status);
        Assert.Equal(new[] { action.Id, deadline.Id }.Order(), returned.RemovedBookmarkIds.Order());
        Assert.Empty(returned.State.Bookmarks);

        var late = runner.Resume(def, first.State, deadline.Id, null, ctx);
        Assert.Equal("overdue", late.Lines());
        Assert.Contains(action.Id, late.RemovedBookmarkIds);
    }

    [Fact]
    public void SendEmail_produces_an_outbox_effect_instead_of_sending()
    {
        var def = new Flow()
            .Var("who", "String", "chen@anyue.example")
            .Add("mail", "Elsa.SendEmail",
                ("to", In.Js("[getWho(), 'wang@anyue.example']")),
                ("cc", In.Lit("a@anyue.example, b@anyue.example")),
                ("subject", In.Liquid("Case {{ Input.number }}")),
                ("body", In.Lit("Please accept.")))
            .Build();

        var result = Harness.Runner().Start(def, new Dictionary<string, object?> { ["number"] = "AYKF-2026-000001" });

        var mail = Assert.IsType<OutboxEmail>(Assert.Single(result.Effects));
        Assert.Equal(["chen@anyue.example", "wang@anyue.example"], mail.To);
        Assert.Equal(["a@anyue.example", "b@anyue.example"], mail.Cc);
        Assert.Equal("Case AYKF-2026-000001", mail.Subject);
        Assert.Equal("mail", mail.ActivityId);
    }

    [Fact]
    public void SendEmail_without_cc_or_bcc_has_empty_lists_not_null()
    {
        var def = new Flow().Add("mail", "Elsa.SendEmail", ("to", In.Lit("a@anyue.example"))).Build();

        var mail = Assert.IsType<OutboxEmail>(Assert.Single(Harness.Runner().Start(def).Effects));

        Assert.NotNull(mail.Cc);
        Assert.Empty(mail.Cc);
        Assert.NotNull(mail.Bcc);
        Assert.Empty(mail.Bcc);
    }

    [Fact]
    public void SetVariable_by_id_by_name_and_unknown_id()
    {
        var runner = Harness.Runner();
        Liaison.Workflows.Definitions.WorkflowDefinition Def(JsonNode variable) => new Flow()
            .Var("status", "String", "new", id: "var-status")
            .Add("set", "Elsa.SetVariable", ("value", In.Lit("accepted"))).Raw("set", "variable", variable).Build();

        var byId = runner.Start(Def(new JsonObject { ["id"] = "var-status", ["name"] = "ignored", ["typeName"] = "String" }));
        Assert.Equal("accepted", byId.State.Variables["status"]!.GetValue<string>());

        var byName = runner.Start(Def(new JsonObject { ["name"] = "status" }));
        Assert.Equal("accepted", byName.State.Variables["status"]!.GetValue<string>());

        var unknown = runner.Start(Def(new JsonObject { ["id"] = "var-missing", ["name"] = "status" }));
        Assert.Equal(WorkflowStatus.Faulted, unknown.Status);
        var incident = Assert.Single(unknown.Incidents);
        Assert.Equal("set", incident.ActivityId);
        Assert.EndsWith("Variable 'var-missing' not found.", incident.Message);
    }
}

public class FireWhileWaitingTests
{
    [Fact]
    public void Fired_outcome_runs_its_branch_while_the_task_keeps_waiting()
    {
        var registry = ActivityRegistry.CreateDefault().Register<TestEscalatingTask>();
        var runner = Harness.Create(registry: registry).Runner;
        var def = new Flow()
            .Add("task", "Liaison.TestEscalatingTask").Line("escalate", "escalated").Line("done", "accepted").Line("close", "closed")
            .Connect("task", "escalate", "Overdue").Connect("task", "done", "Accepted").Connect("done", "close").Build();

        var started = runner.Start(def);
        var deadline = started.NewBookmarks.Single(b => b.Kind == "Liaison.Deadline");
        var action = started.NewBookmarks.Single(b => b.Kind == "Liaison.Action");

        var overdue = runner.Resume(def, started.State, deadline.Id);
        Assert.Equal("escalated", overdue.Lines());
        Assert.Equal(WorkflowStatus.Suspended, overdue.Status);
        Assert.Equal(action.Id, Assert.Single(overdue.State.Bookmarks).Id);

        var accepted = runner.Resume(def, WorkflowInstanceState.FromJson(overdue.State.ToJson()), action.Id);
        Assert.Equal("accepted; closed", accepted.Lines()); // the escalation branch is not run again
        Assert.Equal(WorkflowStatus.Finished, accepted.Status);
    }
}
