using Liaison.Cases.Calendar;
using Liaison.Cases.Common;

namespace Liaison.Cases.Enterprises;

/// <summary>The enterprise's answer to "was the problem solved?" after the officer confirmed the case (满意度评价).</summary>
public enum RatingScore
{
    /// <summary>满意</summary>
    Satisfied,

    /// <summary>基本满意</summary>
    FairlySatisfied,

    /// <summary>不满意: the case goes on the officer's decision list.</summary>
    Unsatisfied,
}

/// <summary>What the officer decided on an unsatisfied rating.</summary>
public enum RatingDecision
{
    /// <summary>重办: a follow-up case for the same enterprise and department, linked to the original.</summary>
    Reopened,

    /// <summary>The officer closes the matter with a note (e.g. the enterprise's expectation is out of scope).</summary>
    Closed,
}

/// <summary>The rules of the enterprise's rating, in one place (see Digests/README.md for how the league table counts them).</summary>
public static class Ratings
{
    /// <summary>The rating window: it closes at close of business of the 5th working day after the confirmation.</summary>
    public const int WindowWorkingDays = 5;

    public const int MaxCommentLength = 500;

    public const int MaxDecisionNoteLength = 2000;

    /// <summary>When the window of a case confirmed at <paramref name="confirmedAt"/> closes, by the zone's working calendar.</summary>
    public static DateTimeOffset ClosesAt(WorkingCalendar calendar, DateTimeOffset confirmedAt) =>
        calendar.AddWorkingDays(confirmedAt, WindowWorkingDays).Due;

    /// <summary>The form's and the API's names: <c>satisfied</c>, <c>fairly-satisfied</c>, <c>unsatisfied</c>.</summary>
    public static string Name(RatingScore score) => score switch
    {
        RatingScore.Satisfied => "satisfied",
        RatingScore.FairlySatisfied => "fairly-satisfied",
        _ => "unsatisfied",
    };

    public static bool TryParse(string? name, out RatingScore score)
    {
        foreach (var s in Enum.GetValues<RatingScore>())
        {
            if (string.Equals(Name(s), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                score = s;
                return true;
            }
        }

        score = default;
        return false;
    }

    public static Text Label(RatingScore score) => score switch
    {
        RatingScore.Satisfied => new("满意", "Satisfied"),
        RatingScore.FairlySatisfied => new("基本满意", "Fairly satisfied"),
        _ => new("不满意", "Unsatisfied"),
    };

    public static string Name(RatingDecision decision) => decision == RatingDecision.Reopened ? "reopen" : "close";

    public static bool TryParse(string? name, out RatingDecision decision)
    {
        decision = name?.Trim().ToLowerInvariant() switch { "reopen" => RatingDecision.Reopened, "close" => RatingDecision.Closed, _ => (RatingDecision)(-1) };
        return Enum.IsDefined(decision);
    }

    public static Text Label(RatingDecision decision) => decision == RatingDecision.Reopened
        ? new("重办", "Reopen")
        : new("说明后结案", "Close with a note");
}
