using Liaison.Cases.Calendar;
using Liaison.Cases.Cases;
using Liaison.Cases.Sla;
using static Liaison.Cases.Tests.Calendar.WorkingCalendarTests;

namespace Liaison.Cases.Tests.Sla;

public class SlaDeadlinesTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Create();

    private static CaseCategory Category(string code) => CaseCategories.FindDefault(code)!;

    [Fact]
    public void Default_categories_follow_the_design()
    {
        Assert.Equal(
            [
                ("project-landing", "项目快速落地", 1, 10, (int?)null),
                ("factor-guarantee", "综合要素保障", 1, 5, null),
                ("legacy-issue", "遗留问题化解", 1, 20, 10),
                ("bankruptcy", "企业破产处置", 1, 30, 10),
                ("other", "其他", 1, 10, null),
            ],
            CaseCategories.Defaults.Select(c => (c.Code, c.NameZh, c.Sla.AcceptWithinWorkingDays, c.Sla.ResolveWithinWorkingDays, c.Sla.ProgressReportEveryWorkingDays)));
        Assert.All(CaseCategories.Defaults, c => Assert.False(string.IsNullOrWhiteSpace(c.Name)));
        Assert.Null(CaseCategories.FindDefault("unknown"));
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(10, 5)]
    [InlineData(20, 10)]
    [InlineData(30, 15)]
    [InlineData(1, 1)]
    [InlineData(7, 4)]
    public void Urgent_halves_the_resolve_limit_rounding_up(int normal, int urgent)
    {
        var policy = new SlaPolicy(1, normal);

        Assert.Equal(normal, policy.ResolveLimit(CasePriority.Normal));
        Assert.Equal(urgent, policy.ResolveLimit(CasePriority.Urgent));
    }

    [Theory]
    [InlineData(CasePriority.Normal, 1, "2026-03-06T18:00+08:00")] // factor-guarantee: lead Mon 9th, co-handler 1 working day before
    [InlineData(CasePriority.Urgent, 1, "2026-03-04T18:00+08:00")] // urgent: lead 3 working days (Thu 5th), co-handler 2
    [InlineData(CasePriority.Normal, 3, "2026-03-04T18:00+08:00")] // a category with 3 days' lead time
    [InlineData(CasePriority.Urgent, 5, "2026-03-03T18:00+08:00")] // never before its acceptance limit
    public void A_co_handler_submits_the_lead_time_before_the_leads_resolve_deadline(CasePriority priority, int leadDays, string due)
    {
        var policy = new SlaPolicy(1, 5) { CoHandlerLeadWorkingDays = leadDays };
        var dispatched = At("2026-03-02T09:00+08:00");

        var co = SlaDeadlines.ForCoHandler(Calendar, dispatched, policy, priority);

        AssertAt(due, co.DueAt.Due);
        Assert.Equal(SlaDeadlines.AtDispatch(Calendar, dispatched, policy, priority).AcceptBy, co.AcceptBy);
        Assert.Equal(policy.CoHandlerResolveLimit(priority), co.DueAt.WorkingDays);
    }

    [Theory]
    [InlineData("2026-03-05T18:00+08:00", false, "2026-03-04T18:00+08:00")] // the lead's deadline (Thu) less one working day, not the category's 4 days (Fri)
    [InlineData("2026-03-20T18:00+08:00", false, "2026-03-06T18:00+08:00")] // a later lead deadline: the part's own limit
    [InlineData("2026-03-03T18:00+08:00", false, "2026-03-03T18:00+08:00")] // never before its acceptance deadline
    [InlineData("2026-03-01T18:00+08:00", false, "2026-03-06T18:00+08:00")] // a lead already overdue: the part's own limit
    [InlineData("2026-03-05T18:00+08:00", true, "2026-03-04T18:00+08:00")] // its workflow's own limit (5) is capped too
    [InlineData("2026-03-20T18:00+08:00", true, "2026-03-09T18:00+08:00")] // and taken as written when the lead's is later
    public void A_co_handler_is_never_due_after_the_leads_deadline_less_the_lead_time(string leadDue, bool ownLimit, string due)
    {
        var policy = new SlaPolicy(1, 5);
        var dispatched = At("2026-03-02T09:00+08:00");

        var co = SlaDeadlines.ForCoHandler(Calendar, dispatched, policy, CasePriority.Normal, At(leadDue), ownLimit);

        AssertAt(due, co.DueAt.Due);
        // How it was computed stays true: so many working days from dispatch.
        Assert.Equal(co.DueAt.Due, Calendar.AddWorkingDays(dispatched, co.DueAt.WorkingDays).Due);
    }

    [Theory]
    [InlineData("2026-03-06T18:00+08:00", 2, "2026-03-09T18:00+08:00", 2, "2026-03-11T18:00+08:00")] // due at the latest (Fri, lead Mon): 2 more days each
    [InlineData("2026-03-06T18:00+08:00", 2, "2026-03-11T18:00+08:00", 0, "2026-03-11T18:00+08:00")] // room for 2 already: the lead stays
    [InlineData("2026-03-06T18:00+08:00", 5, "2026-03-11T18:00+08:00", 3, "2026-03-16T18:00+08:00")] // room for 2 of 5: 3 more, over the weekend
    [InlineData("2026-09-30T18:00+08:00", 2, "2026-10-10T18:00+08:00", 0, "2026-10-10T18:00+08:00")] // National Day between; Saturday 10th is a make-up working day: 3 apart
    [InlineData("2026-09-29T18:00+08:00", 3, "2026-09-30T18:00+08:00", 3, "2026-10-10T18:00+08:00")] // the lead's move skips the holiday, counts the make-up day
    public void The_leads_deadline_moves_just_enough_for_a_parts_extension_to_fit(string partDue, int granting, string leadDue, int days, string leadAfter)
    {
        var policy = new SlaPolicy(1, 5);

        var needed = SlaDeadlines.LeadDaysNeeded(Calendar, At(partDue), granting, At(leadDue), policy);

        Assert.Equal(days, needed);
        var lead = needed == 0 ? At(leadDue) : Calendar.AddWorkingDays(At(leadDue), needed).Due;
        AssertAt(leadAfter, lead);
        // The part's extended deadline then fits, and one day less would not have done.
        Assert.True(SlaDeadlines.PartExtensionLimit(Calendar, At(partDue), lead, policy) >= granting);
        if (needed > 0)
        {
            Assert.True(SlaDeadlines.PartExtensionLimit(Calendar, At(partDue), Calendar.AddWorkingDays(At(leadDue), needed - 1).Due, policy) < granting);
        }
    }

    [Fact]
    public void A_workflows_limits_replace_the_categorys_and_urgent_halves_them_too()
    {
        var category = new SlaPolicy(1, 10, 10) { CoHandlerLeadWorkingDays = 2 };

        var routing = category.With(null, 3);

        Assert.Same(category, category.With(null, null));
        Assert.Equal((1, 3, (int?)10, 2), (routing.AcceptWithinWorkingDays, routing.ResolveWithinWorkingDays, routing.ProgressReportEveryWorkingDays, routing.CoHandlerLeadWorkingDays));
        Assert.Equal(2, routing.ResolveLimit(CasePriority.Urgent));
        Assert.Equal((2, 10), (category.With(2, null).AcceptWithinWorkingDays, category.With(2, null).ResolveWithinWorkingDays));
    }

    [Fact]
    public void Project_landing_dispatched_before_spring_festival()
    {
        var deadlines = SlaDeadlines.AtDispatch(Calendar, At("2026-02-13T10:00+08:00"), Category(CaseCategories.ProjectLanding), CasePriority.Normal);

        AssertAt("2026-02-14T18:00+08:00", deadlines.AcceptBy.Due); // the make-up Saturday
        AssertAt("2026-03-05T18:00+08:00", deadlines.DueAt.Due);    // Feb 14, 24–28, Mar 2–5
        Assert.Equal(10, deadlines.DueAt.WorkingDays);
        Assert.Equal("cn-2026-v1", deadlines.DueAt.CalendarVersion);
        Assert.Null(deadlines.NextProgressReport);
    }

    [Theory]
    [InlineData(CaseCategories.ProjectLanding, "2026-02-27T18:00+08:00")] // 5 working days
    [InlineData(CaseCategories.FactorGuarantee, "2026-02-25T18:00+08:00")] // 3 working days
    public void Urgent_cases_are_due_sooner(string category, string due)
    {
        var deadlines = SlaDeadlines.AtDispatch(Calendar, At("2026-02-13T10:00+08:00"), Category(category), CasePriority.Urgent);

        AssertAt("2026-02-14T18:00+08:00", deadlines.AcceptBy.Due); // acceptance is not halved
        AssertAt(due, deadlines.DueAt.Due);
    }

    [Fact]
    public void Long_running_case_gets_a_progress_report_deadline()
    {
        // From Wed 2026-09-30: Oct 8, 9, Sat 10, 12–16, 19, 20 are the first ten working days; then Oct 21–23, 26–30, Nov 2, 3.
        var deadlines = SlaDeadlines.AtDispatch(Calendar, At("2026-09-30T10:00+08:00"), Category(CaseCategories.LegacyIssue), CasePriority.Normal);

        AssertAt("2026-10-08T18:00+08:00", deadlines.AcceptBy.Due);
        AssertAt("2026-10-20T18:00+08:00", deadlines.NextProgressReport!.Due);
        AssertAt("2026-11-03T18:00+08:00", deadlines.DueAt.Due);
    }

    [Fact]
    public void Urgent_bankruptcy_is_due_in_fifteen_working_days()
    {
        var deadlines = SlaDeadlines.AtDispatch(Calendar, At("2026-09-30T10:00+08:00"), Category(CaseCategories.Bankruptcy), CasePriority.Urgent);

        AssertAt("2026-10-27T18:00+08:00", deadlines.DueAt.Due);
        AssertAt("2026-10-20T18:00+08:00", deadlines.NextProgressReport!.Due); // the report interval is not halved
    }

    [Fact]
    public void A_progress_note_restarts_the_report_clock()
    {
        var policy = Category(CaseCategories.Bankruptcy).Sla;

        AssertAt("2026-03-05T18:00+08:00", SlaDeadlines.NextProgressReport(Calendar, At("2026-02-13T16:00+08:00"), policy)!.Due);
        Assert.Null(SlaDeadlines.NextProgressReport(Calendar, At("2026-02-13T16:00+08:00"), Category(CaseCategories.Other).Sla));
    }

    [Fact]
    public void Deadlines_past_the_loaded_years_are_provisional()
    {
        var deadlines = SlaDeadlines.AtDispatch(Calendar, At("2026-12-24T10:00+08:00"), Category(CaseCategories.ProjectLanding), CasePriority.Normal);

        Assert.False(deadlines.AcceptBy.Provisional);
        Assert.True(deadlines.DueAt.Provisional);
        Assert.Equal("cn-2026-v1+provisional-2027", deadlines.DueAt.CalendarVersion);
    }

    [Theory]
    [InlineData(0, 10, null, "acceptWithinWorkingDays must be 1–250")]
    [InlineData(1, 0, null, "resolveWithinWorkingDays must be 1–250")]
    [InlineData(1, 251, null, "resolveWithinWorkingDays must be 1–250")]
    [InlineData(1, 20, 0, "progressReportEveryWorkingDays must be 1–250")]
    [InlineData(3, 2, null, "cannot exceed")]
    public void Refuses_unworkable_limits(int accept, int resolve, int? every, string message)
    {
        Assert.Contains(SlaPolicy.Validate(accept, resolve, every), e => e.Contains(message));
        var thrown = Assert.Throws<ArgumentException>(() => new SlaPolicy(accept, resolve, every));
        Assert.Contains(message, thrown.Message);
    }

    [Fact]
    public void Accepts_editable_limits()
    {
        Assert.Empty(SlaPolicy.Validate(2, 15, 5));
        Assert.True(new SlaPolicy(2, 15, 5).IsLongRunning);
        Assert.False(new SlaPolicy(2, 15).IsLongRunning);
    }

    // 坚持原派 around Labour Day 2026: 05-01..05 off, Saturday 05-09 a make-up working day. Dispatched Monday 04-27 with
    // 5 working days, the round is due Thursday 05-07 (04-28, 29, 30, 05-06, 07).
    private static readonly Deadline MayRound = Calendar.AddWorkingDays(At("2026-04-27T10:00+08:00"), 5);

    [Fact]
    public void An_insist_runs_the_returned_rounds_clock_on_from_where_the_return_stopped_it()
    {
        AssertAt("2026-05-07T18:00+08:00", MayRound.Due);
        // Returned Wednesday 04-29 with 3 working days left (04-30, 05-06, 05-07); the officer insists on Friday 05-08
        // after the holiday. The days the case waited for the decision cost the department nothing.
        var insisted = SlaDeadlines.Insisted(Calendar, At("2026-05-08T09:00+08:00"),
            new ReturnedRound("fgj", At("2026-04-29T15:00+08:00"), MayRound, MayRound.Due))!;

        Assert.Equal(3, insisted.WorkingDaysLeft);
        AssertAt("2026-05-12T18:00+08:00", insisted.DueAt.Due); // 05-09 (make-up Saturday), 11, 12
        Assert.Equal(3, insisted.DueAt.WorkingDays);
        Assert.Equal(At("2026-05-08T09:00+08:00"), insisted.DueAt.Start);
        Assert.Null(insisted.ScoredDueAt);
        // A fresh round would have had all 5.
        AssertAt("2026-05-14T18:00+08:00", Calendar.AddWorkingDays(At("2026-05-08T09:00+08:00"), 5).Due);
    }

    [Fact]
    public void A_return_on_the_due_day_before_close_of_business_leaves_one_working_day()
    {
        var insisted = SlaDeadlines.Insisted(Calendar, At("2026-05-08T09:00+08:00"),
            new ReturnedRound("fgj", At("2026-05-07T10:00+08:00"), MayRound, MayRound.Due))!;

        Assert.Equal(1, insisted.WorkingDaysLeft);
        AssertAt("2026-05-09T18:00+08:00", insisted.DueAt.Due);
    }

    [Fact]
    public void A_round_overdue_when_returned_keeps_its_deadline()
    {
        var insisted = SlaDeadlines.Insisted(Calendar, At("2026-05-11T09:00+08:00"),
            new ReturnedRound("fgj", At("2026-05-07T18:30+08:00"), MayRound, MayRound.Due))!;

        Assert.Null(insisted.WorkingDaysLeft);
        Assert.Same(MayRound, insisted.DueAt);
        Assert.Null(insisted.ScoredDueAt);
    }

    [Fact]
    public void An_extension_approved_before_the_return_keeps_its_original_deadline_apart_for_scoring()
    {
        // Extended by 3 working days to Monday 05-11 (05-08, 05-09, 05-11); scored against 05-07 still.
        var extended = Calendar.AddWorkingDays(MayRound.Due, 3) with { Extends = MayRound };
        AssertAt("2026-05-11T18:00+08:00", extended.Due);

        var early = SlaDeadlines.Insisted(Calendar, At("2026-05-08T09:00+08:00"),
            new ReturnedRound("fgj", At("2026-04-29T15:00+08:00"), extended, MayRound.Due))!;
        Assert.Equal(6, early.WorkingDaysLeft); // 04-30, 05-06, 07, 08, 09, 11
        AssertAt("2026-05-15T18:00+08:00", early.DueAt.Due);
        AssertAt("2026-05-12T18:00+08:00", early.ScoredDueAt!.Value); // the original's 3 days left run on too

        // Returned after the original deadline but within the extension: the original stays, already missed.
        var late = SlaDeadlines.Insisted(Calendar, At("2026-05-11T09:00+08:00"),
            new ReturnedRound("fgj", At("2026-05-08T10:00+08:00"), extended, MayRound.Due))!;
        Assert.Equal(2, late.WorkingDaysLeft); // 05-09, 05-11
        AssertAt("2026-05-13T18:00+08:00", late.DueAt.Due);
        Assert.Equal(MayRound.Due, late.ScoredDueAt);
    }

    [Theory]
    [InlineData(1, "insisted: the 1 working day left at the return runs on")]
    [InlineData(2, "insisted: the 2 working days left at the return run on")]
    public void The_timeline_explains_an_insisted_deadline_by_the_working_days_left_in_the_right_number(int left, string en)
    {
        Assert.Equal(en, InsistDeadline.Explain(left).En);
        Assert.Equal($"坚持原派，退回时剩余的 {left} 个工作日继续计算", InsistDeadline.Explain(left).Zh);
    }

    [Fact]
    public void An_insist_without_a_stored_deadline_gives_nothing_to_go_on() =>
        Assert.Null(SlaDeadlines.Insisted(Calendar, At("2026-05-08T09:00+08:00"), new ReturnedRound("fgj", At("2026-04-29T15:00+08:00"), null, null)));
}
