using System.Text.Json.Nodes;
using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Routing;
using Liaison.Cases.Routing.Activities;
using Liaison.Cases.Sla;
using Liaison.Workflows.Activities;
using Liaison.Workflows.Definitions;
using Liaison.Workflows.Runtime;
using Liaison.Workflows.Validation;
using Microsoft.Extensions.Time.Testing;

namespace Liaison.Cases.Tests.Routing;

/// <summary>The shipped <c>workflows/case-routing.json</c> driven in memory through the case lifecycle.</summary>
public sealed class CaseRoutingWorkflowTests
{
    // Monday 2026-03-02 09:00 in Shanghai.
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Create();

    private readonly FakeTimeProvider _clock = new(T0);
    private readonly WorkflowRunner _runner;
    private readonly WorkflowDefinition _definition = Load();
    private readonly CaseRouting _routing = NewRouting();

    public CaseRoutingWorkflowTests()
    {
        var registry = ActivityRegistry.CreateDefault().AddCaseActivities();
        _runner = new WorkflowRunner(registry, _clock);
        _runner.Options.ExpressionContributors.Add(new CaseExpressionGlobals());
    }

    private static WorkflowDefinition Load() =>
        WorkflowDefinitionJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "case-routing.json")));

    private static CaseRouting NewRouting() => new()
    {
        Case = new CaseSnapshot
        {
            Id = 1,
            Number = "AYKF-2026-000001",
            Title = "用地报批",
            Category = CaseCategories.FactorGuarantee,
            DepartmentCode = "zrzyj",
        },
        Calendar = Calendar,
        Categories = CaseCategories.Defaults,
        Departments = new Dictionary<string, DepartmentContact>
        {
            ["zrzyj"] = new("zrzyj", "自然资源和规划局", new Person("张三", "zhang@anyue.example"), new Person("李局", "li@anyue.example")),
            ["gdgs"] = new("gdgs", "供电公司", new Person("王五", "wang@anyue.example"), new Person("赵总", "zhao@anyue.example")),
        },
    };

    private RunContext Context => new RunContext().Set(_routing);

    private RunResult Act(RunResult previous, string kind, string? key, string outcome)
    {
        var bookmark = previous.State.Bookmarks.Single(b => b.Kind == kind && (key is null || b.Key == key));
        return _runner.Resume(_definition, previous.State, bookmark.Id, outcome, Context);
    }

    private RunResult Timer(RunResult previous, string outcome)
    {
        var bookmark = previous.State.Bookmarks.Single(b => b.Kind == WaitForLiaison.BookmarkKind + ".Timer" && b.Key == outcome);
        _clock.SetUtcNow(bookmark.ResumeAt!.Value);
        return _runner.Resume(_definition, previous.State, bookmark.Id, null, Context);
    }

    private static IEnumerable<string> Timers(RunResult r) =>
        r.State.Bookmarks.Where(b => b.ResumeAt != null).Select(b => b.Key!).Order();

    [Fact]
    public void The_shipped_workflow_is_valid()
    {
        var registry = ActivityRegistry.CreateDefault().AddCaseActivities();

        Assert.Empty(WorkflowValidator.Validate(_definition, registry));
    }

    [Fact]
    public void Start_dispatches_to_the_departments_handler_with_deadlines_and_arms_the_ladder()
    {
        var run = _runner.Start(_definition, null, Context);

        Assert.Equal(WorkflowStatus.Suspended, run.Status);
        var dispatched = Assert.Single(run.Effects.OfType<CaseDispatched>());
        Assert.Equal("zhang@anyue.example", dispatched.Department.Handler.Email);
        Assert.Equal(1, dispatched.Round);
        // factor-guarantee: accept within 1, resolve within 5 working days, counted from the day after dispatch.
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 18, 0, 0, TimeSpan.FromHours(8)), dispatched.AcceptBy.Due);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, TimeSpan.FromHours(8)), dispatched.DueAt.Due);
        Assert.Equal(["AcceptanceDue", "Overdue", "ReminderDue", "ResolveDue"], Timers(run));
        var overdue = run.State.Bookmarks.Single(b => b.Key == "Overdue");
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 18, 0, 0, TimeSpan.FromHours(8)), overdue.ResumeAt);
        var reminder = run.State.Bookmarks.Single(b => b.Key == "ReminderDue");
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 18, 0, 0, TimeSpan.FromHours(8)), reminder.ResumeAt);
    }

    [Fact]
    public void Happy_path_accept_progress_extension_resolve_confirm_finishes()
    {
        var run = _runner.Start(_definition, null, Context);

        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Accepted);
        Assert.Equal(CaseStatus.Accepted, Assert.Single(run.Effects.OfType<CaseStatusSet>()).Status);
        Assert.DoesNotContain("AcceptanceDue", Timers(run));

        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Progress);
        Assert.Equal(CaseStatus.InProgress, Assert.Single(run.Effects.OfType<CaseStatusSet>()).Status);

        _routing.Case.PendingExtensionDays = 3;
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.ExtensionRequested);
        Assert.Equal(["officer"], Assert.Single(run.Effects.OfType<CaseNotification>()).Audience);
        Assert.Equal(["Overdue", "ReminderDue", "ResolveDue"], Timers(run)); // the deadline still runs while the officer decides
        run = Act(run, WaitForOfficer.BookmarkKind, WaitForOfficer.ExtensionDecision, WaitForOfficer.Approved);
        var changed = Assert.Single(run.Effects.OfType<CaseDeadlineChanged>());
        Assert.Equal(new DateTimeOffset(2026, 3, 12, 18, 0, 0, TimeSpan.FromHours(8)), changed.DueAt.Due);
        Assert.Equal(changed.DueAt.Due, run.State.Bookmarks.Single(b => b.Key == "ResolveDue").ResumeAt);

        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Resolved);
        Assert.Equal(CaseStatus.Resolved, Assert.Single(run.Effects.OfType<CaseStatusSet>()).Status);
        Assert.Empty(Timers(run));
        run = Act(run, WaitForOfficer.BookmarkKind, WaitForOfficer.ResolutionDecision, WaitForOfficer.Confirmed);

        Assert.Equal(CaseStatus.Closed, Assert.Single(run.Effects.OfType<CaseStatusSet>()).Status);
        Assert.Equal("closed", Assert.Single(run.Effects.OfType<CaseNotification>()).Template);
        Assert.Equal(WorkflowStatus.Finished, run.Status);
    }

    [Fact]
    public void Return_then_reassign_dispatches_to_the_new_department_in_a_new_round()
    {
        var run = _runner.Start(_definition, null, Context);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Returned);
        Assert.Equal(CaseStatus.Returned, Assert.Single(run.Effects.OfType<CaseStatusSet>()).Status);

        _routing.Case.DepartmentCode = "gdgs";
        run = Act(run, WaitForOfficer.BookmarkKind, WaitForOfficer.ReturnDecision, WaitForOfficer.Reassigned);

        var dispatched = Assert.Single(run.Effects.OfType<CaseDispatched>());
        Assert.Equal("wang@anyue.example", dispatched.Department.Handler.Email);
        Assert.Equal(2, dispatched.Round);
        Assert.Contains("AcceptanceDue", Timers(run));
    }

    [Fact]
    public void An_insist_dispatches_the_same_department_again_on_the_clock_it_had_and_the_ladder_follows()
    {
        var run = _runner.Start(_definition, null, Context);
        var first = Assert.Single(run.Effects.OfType<CaseDispatched>()).DueAt; // Monday 03-09
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 4, 11, 0, 0, TimeSpan.FromHours(8))); // Wednesday: 3 working days left
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Returned);
        _routing.Case.Status = CaseStatus.Returned;
        _routing.Case.Returned = new ReturnedRound("zrzyj", _clock.GetUtcNow(), first, first.Due);

        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.FromHours(8))); // the officer insists on Friday
        run = Act(run, WaitForOfficer.BookmarkKind, WaitForOfficer.ReturnDecision, WaitForOfficer.Insisted);

        var dispatched = Assert.Single(run.Effects.OfType<CaseDispatched>());
        Assert.Equal(2, dispatched.Round);
        Assert.Equal(3, dispatched.Insisted!.WorkingDaysLeft);
        // 03-09, 10, 11 (a fresh round would be due 03-13); acceptance is a fresh working day.
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 18, 0, 0, TimeSpan.FromHours(8)), dispatched.DueAt.Due);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 18, 0, 0, TimeSpan.FromHours(8)), dispatched.AcceptBy.Due);
        Assert.Equal(dispatched.DueAt.Due, run.State.Bookmarks.Single(b => b.Key == "ResolveDue").ResumeAt);
        Assert.Null(_routing.Case.Returned);
    }

    [Theory]
    [InlineData(true)] // the workflow turns keepDeadlineOnInsist off
    [InlineData(false)] // a reassignment to another department
    public void An_insist_gets_a_fresh_clock_when_the_workflow_says_so_and_a_reassignment_always_does(bool insist)
    {
        var definition = _definition;
        if (insist)
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "case-routing.json")))!;
            var dispatch = json["root"]!["activities"]!.AsArray().Single(a => (string?)a!["id"] == "dispatch")!;
            dispatch["keepDeadlineOnInsist"] = JsonNode.Parse("""{ "typeName": "Boolean", "expression": { "type": "Literal", "value": false } }""");
            definition = WorkflowDefinitionJson.Parse(json);
        }

        var run = _runner.Start(definition, null, Context);
        var first = Assert.Single(run.Effects.OfType<CaseDispatched>()).DueAt;
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 4, 11, 0, 0, TimeSpan.FromHours(8)));
        run = _runner.Resume(definition, run.State, run.State.Bookmarks.Single(b => b.Kind == WaitForLiaison.BookmarkKind && b.ResumeAt == null).Id,
            WaitForLiaison.Returned, Context);
        _routing.Case.Status = CaseStatus.Returned;
        _routing.Case.Returned = new ReturnedRound("zrzyj", _clock.GetUtcNow(), first, first.Due);
        _routing.Case.DepartmentCode = insist ? "zrzyj" : "gdgs";
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.FromHours(8)));
        run = _runner.Resume(definition, run.State, run.State.Bookmarks.Single(b => b.Kind == WaitForOfficer.BookmarkKind).Id,
            insist ? WaitForOfficer.Insisted : WaitForOfficer.Reassigned, Context);

        var dispatched = Assert.Single(run.Effects.OfType<CaseDispatched>());
        Assert.Null(dispatched.Insisted);
        Assert.Equal(new DateTimeOffset(2026, 3, 13, 18, 0, 0, TimeSpan.FromHours(8)), dispatched.DueAt.Due); // 5 from Friday
    }

    [Fact]
    public void Officer_reassigns_while_the_handler_holds_the_case_and_the_old_handler_is_told()
    {
        var run = _runner.Start(_definition, null, Context);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Accepted);

        _routing.Case.DepartmentCode = "gdgs";
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Reassigned);

        Assert.Equal("reassigned-away", Assert.Single(run.Effects.OfType<CaseNotification>()).Template);
        Assert.Equal("gdgs", Assert.Single(run.Effects.OfType<CaseDispatched>()).Department.Code);
    }

    [Fact]
    public void Reopen_sends_the_case_back_with_a_new_deadline()
    {
        var run = _runner.Start(_definition, null, Context);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Resolved);
        _clock.Advance(TimeSpan.FromDays(1));

        run = Act(run, WaitForOfficer.BookmarkKind, WaitForOfficer.ResolutionDecision, WaitForOfficer.Reopened);

        Assert.Contains(run.Effects.OfType<CaseStatusSet>(), e => e.Status == CaseStatus.Accepted);
        Assert.Equal("reopen", Assert.Single(run.Effects.OfType<CaseDeadlineChanged>()).Reason);
        Assert.Equal("reopened", Assert.Single(run.Effects.OfType<CaseNotification>()).Template);
        Assert.Single(run.State.Bookmarks, b => b.Kind == WaitForLiaison.BookmarkKind);
    }

    [Fact]
    public void Each_rung_of_the_ladder_fires_in_turn_while_the_handler_can_still_act()
    {
        var run = _runner.Start(_definition, null, Context);

        run = Timer(run, WaitForLiaison.AcceptanceDue);
        Assert.Equal("accept: handler,leader", Rung(run));
        run = Timer(run, WaitForLiaison.ReminderDue);
        Assert.Equal("yellow: handler", Rung(run));
        run = Timer(run, WaitForLiaison.ResolveDue);
        Assert.Equal("red: handler,leader", Rung(run));
        run = Timer(run, WaitForLiaison.Overdue);
        Assert.Equal("zone: zone,officer", Rung(run));

        Assert.Empty(Timers(run));
        Assert.Single(run.State.Bookmarks, b => b.Key == WaitForLiaison.ActionKey);
        Assert.Equal(WorkflowStatus.Suspended, run.Status);
    }

    [Fact]
    public void The_ladder_keeps_running_while_the_officer_decides_an_extension_and_each_rung_fires_once()
    {
        var run = _runner.Start(_definition, null, Context);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Accepted);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.ExtensionRequested);
        Assert.Equal(["Overdue", "ReminderDue", "ResolveDue"], Timers(run));

        var due = run.State.Bookmarks.Single(b => b.Key == WaitForOfficer.ResolveDue);
        Assert.Equal(WaitForOfficer.BookmarkKind + ".Timer", due.Kind);
        _clock.SetUtcNow(due.ResumeAt!.Value);
        run = _runner.Resume(_definition, run.State, due.Id, null, Context);

        Assert.Equal("red: handler,leader", Rung(run));
        Assert.Single(run.State.Bookmarks, b => b.Kind == WaitForOfficer.BookmarkKind); // the decision is still awaited

        run = Act(run, WaitForOfficer.BookmarkKind, WaitForOfficer.ExtensionDecision, WaitForOfficer.Denied);

        // Back with the handler: the officer's timers are gone, the red rung of that deadline is not armed again.
        Assert.DoesNotContain(run.State.Bookmarks, b => b.Kind == WaitForOfficer.BookmarkKind + ".Timer");
        Assert.Equal(["Overdue", "ReminderDue"], Timers(run));
    }

    [Fact]
    public void A_fired_rung_is_not_armed_again_when_the_task_is_re_entered()
    {
        var run = _runner.Start(_definition, null, Context);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Accepted);
        run = Timer(run, WaitForLiaison.ReminderDue);
        Assert.Single(run.Effects.OfType<DeadlineReached>());

        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Progress);

        Assert.Equal(["Overdue", "ResolveDue"], Timers(run));
    }

    [Fact]
    public void A_status_mail_kind_recipient_or_decision_nobody_knows_is_refused_when_the_version_is_checked()
    {
        var registry = ActivityRegistry.CreateDefault().AddCaseActivities();
        Assert.Empty(WorkflowValidator.Validate(_definition, registry));
        void Set(string id, string input, string value) =>
            _definition.Root.Activities.Single(a => a.Id == id).Inputs[input] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(value));
        Set("status-accepted", "status", "flying");
        Set("notify-returned", "template", "no-such-template");
        Set("notify-resolved", "to", "officer, nobody,Martians");
        Set("officer-return", "decision", "Return");
        // What the activities themselves take: a status in any letter case; not a mail the server sends itself.
        Set("status-closed", "status", "Closed");
        Set("notify-closed", "template", "enterprise-answered");
        // A level is the admin's own word, shown as written: any goes. Several recipients in any case and order are fine.
        Set("escalate-red", "level", "purple");
        Set("escalate-zone", "to", "Zone;officer");

        var errors = WorkflowValidator.Validate(_definition, registry);

        Assert.Equal(["notify-closed", "notify-resolved", "notify-returned", "officer-return", "status-accepted"], errors.Select(e => e.ActivityId).Order());
        Assert.All(errors, e => Assert.Equal("invalid-input", e.Code));
        var status = errors.Single(e => e.ActivityId == "status-accepted").Message;
        Assert.Contains("'flying'", status);
        Assert.Contains("“flying”", status);
        Assert.Contains("in-progress", status);
        Assert.Contains("'nobody', 'martians' are not among its values; use handler, leader, officer, zone", errors.Single(e => e.ActivityId == "notify-resolved").Message);
        Assert.Contains("no-such-template", errors.Single(e => e.ActivityId == "notify-returned").Message);
        Assert.Contains("'Return' is not among its values; use extension, return, resolution", errors.Single(e => e.ActivityId == "officer-return").Message);
        // An expression is checked when it runs, not here.
        _definition.Root.Activities.Single(a => a.Id == "status-accepted").Inputs["status"] = InputValue.Of("JavaScript", "'fly' + 'ing'");
        Assert.DoesNotContain(WorkflowValidator.Validate(_definition, registry), e => e.ActivityId == "status-accepted");
    }

    [Fact]
    public void A_negative_count_of_working_days_is_refused_when_the_version_is_checked()
    {
        var registry = ActivityRegistry.CreateDefault().AddCaseActivities();
        _definition.Root.Activities.Single(a => a.Id == "wait").Inputs["overdueEscalationWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(-2));
        _definition.Root.Activities.Single(a => a.Id == "dispatch").Inputs["resolveWithinWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(0));

        var errors = WorkflowValidator.Validate(_definition, registry);

        Assert.Contains(errors, e => e.ActivityId == "wait" && e.Code == "invalid-input" && e.Message.Contains("must be 0 or more, not -2") && e.Message.Contains("不能小于 0"));
        Assert.Contains(errors, e => e.ActivityId == "dispatch" && e.Code == "invalid-input" && e.Message.Contains("must be 1 or more, not 0"));
        // 0 is "never" for the ladder: allowed.
        _definition.Root.Activities.Single(a => a.Id == "wait").Inputs["overdueEscalationWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(0));
        Assert.DoesNotContain(WorkflowValidator.Validate(_definition, registry), e => e.ActivityId == "wait");
    }

    [Fact]
    public void A_count_of_working_days_beyond_a_year_is_refused_and_the_designers_hint_says_the_range()
    {
        var registry = ActivityRegistry.CreateDefault().AddCaseActivities();
        _definition.Root.Activities.Single(a => a.Id == "wait").Inputs["overdueEscalationWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(100000));
        _definition.Root.Activities.Single(a => a.Id == "dispatch").Inputs["resolveWithinWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(251));

        var errors = WorkflowValidator.Validate(_definition, registry);

        Assert.Contains(errors, e => e.ActivityId == "wait" && e.Code == "invalid-input"
            && e.Message.Contains("“逾期升级（工作日）（overdueEscalationWorkingDays）”不能大于 250（现为 100000）") && e.Message.Contains("must be 250 or less, not 100000"));
        Assert.Contains(errors, e => e.ActivityId == "dispatch" && e.Message.Contains("must be 250 or less, not 251"));
        _definition.Root.Activities.Single(a => a.Id == "wait").Inputs["overdueEscalationWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(250));
        Assert.DoesNotContain(WorkflowValidator.Validate(_definition, registry), e => e.ActivityId == "wait");

        var hint = registry.Find("Liaison.WaitForLiaison")!.Descriptor.Inputs.Single(i => i.Name == "overdueEscalationWorkingDays").Description;
        Assert.EndsWith("可填 0–250。", hint.ZhCn);
        Assert.EndsWith("From 0 to 250.", hint.En);
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_refused_in_words_without_the_frameworks_message()
    {
        var registry = ActivityRegistry.CreateDefault().AddCaseActivities();
        _definition.Root.Activities.Single(a => a.Id == "wait").Inputs["overdueEscalationWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create("abc"));

        var error = Assert.Single(WorkflowValidator.Validate(_definition, registry), e => e.ActivityId == "wait");

        Assert.Contains("“逾期升级（工作日）（overdueEscalationWorkingDays）”无效：应为整数，现为“abc”", error.Message);
        Assert.Contains("must be a whole number, not 'abc'", error.Message);
        Assert.DoesNotContain("input string", error.Message);
    }

    [Fact]
    public void Editing_an_input_of_the_workflow_changes_the_ladder_without_code()
    {
        var wait = _definition.Root.Activities.Single(a => a.Id == "wait");
        wait.Inputs["overdueEscalationWorkingDays"] = InputValue.Literal(System.Text.Json.Nodes.JsonValue.Create(1));

        var run = _runner.Start(_definition, null, Context);

        Assert.Equal(new DateTimeOffset(2026, 3, 10, 18, 0, 0, TimeSpan.FromHours(8)), run.State.Bookmarks.Single(b => b.Key == "Overdue").ResumeAt);
    }

    [Fact]
    public void A_long_running_case_arms_the_progress_report_clock_after_acceptance()
    {
        _routing.Case.Category = CaseCategories.LegacyIssue;
        var run = _runner.Start(_definition, null, Context);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Accepted);

        run = Timer(run, WaitForLiaison.ProgressReportDue);

        Assert.Equal("progress-report: handler", Rung(run));
    }

    [Fact]
    public void A_silent_handler_is_asked_for_a_progress_report_every_period_until_the_resolve_deadline()
    {
        // Bankruptcy: resolve within 30 working days, a progress report every 10.
        _routing.Case.Category = CaseCategories.Bankruptcy;
        var run = _runner.Start(_definition, null, Context);
        run = Act(run, WaitForLiaison.BookmarkKind, null, WaitForLiaison.Accepted);
        var first = run.State.Bookmarks.Single(b => b.Key == WaitForLiaison.ProgressReportDue).ResumeAt!.Value;

        run = Timer(run, WaitForLiaison.ProgressReportDue);

        Assert.Equal("progress-report: handler", Rung(run));
        var second = Calendar.AddWorkingDays(first, 10).Due;
        Assert.Equal(second, run.State.Bookmarks.Single(b => b.Key == WaitForLiaison.ProgressReportDue).ResumeAt);
        // The next date lives in the timer: the case's row is not written by a timer's run.
        Assert.Equal(first, _routing.Case.NextProgressReportAt);
        // The wait re-entered meanwhile (a schedule change moved the deadlines): the report already asked for is not
        // asked again; the next stays a period after it.
        run = Act(run, WaitForLiaison.BookmarkKind, WaitForLiaison.ActionKey, WaitForLiaison.DeadlinesChanged);
        Assert.Equal(second, run.State.Bookmarks.Single(b => b.Key == WaitForLiaison.ProgressReportDue).ResumeAt);

        run = Timer(run, WaitForLiaison.ProgressReportDue);

        // The third would fall on the resolve deadline, where the escalation ladder takes over.
        Assert.Equal(Calendar.AddWorkingDays(second, 10).Due, _routing.Case.DueAt);
        Assert.DoesNotContain(WaitForLiaison.ProgressReportDue, Timers(run));
        Assert.Contains(WaitForLiaison.ResolveDue, Timers(run));
    }

    [Fact]
    public void Dispatch_to_an_unknown_department_faults_with_a_clear_incident()
    {
        _routing.Case.DepartmentCode = "nowhere";

        var run = _runner.Start(_definition, null, Context);

        Assert.Equal(WorkflowStatus.Faulted, run.Status);
        Assert.Contains("nowhere", Assert.Single(run.Incidents).Message);
    }

    private static string Rung(RunResult run)
    {
        var e = Assert.Single(run.Effects.OfType<CaseEscalated>());
        return $"{e.Level}: {string.Join(",", e.Audience)}";
    }
}

public sealed class CaseRoutingDeadlineRefreshTests
{
    [Fact]
    public void Recomputed_deadlines_re_arm_the_timers_through_the_self_loop()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8)));
        var runner = new WorkflowRunner(ActivityRegistry.CreateDefault().AddCaseActivities(), clock);
        runner.Options.ExpressionContributors.Add(new CaseExpressionGlobals());
        var definition = WorkflowDefinitionJson.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", "case-routing.json")));
        var routing = new CaseRouting
        {
            Case = new CaseSnapshot { Id = 1, Number = "N", Title = "T", Category = CaseCategories.Other, DepartmentCode = "d" },
            Calendar = WorkingCalendar.Create(),
            Categories = CaseCategories.Defaults,
            Departments = new Dictionary<string, DepartmentContact> { ["d"] = new("d", "D", new Person("h", "h@x.example"), new Person("l", "l@x.example")) },
        };
        var context = new RunContext().Set(routing);
        var run = runner.Start(definition, null, context);
        var later = routing.Case.DueAt!.Value.AddDays(7);
        routing.Case.DueAt = later;

        var action = run.State.Bookmarks.Single(b => b.Key == WaitForLiaison.ActionKey);
        run = runner.Resume(definition, run.State, action.Id, WaitForLiaison.DeadlinesChanged, context);

        Assert.Equal(WorkflowStatus.Suspended, run.Status);
        Assert.Equal(later, run.State.Bookmarks.Single(b => b.Key == WaitForLiaison.ResolveDue).ResumeAt);
        Assert.Single(run.State.Bookmarks, b => b.Key == WaitForLiaison.ActionKey);
    }
}
