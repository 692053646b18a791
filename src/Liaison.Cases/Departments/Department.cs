namespace Liaison.Cases.Departments;

/// <summary>A county department or township that receives cases "point to point" (点对点).</summary>
public sealed class Department
{
    public long Id { get; set; }

    /// <summary>Stable short code used in URLs, workflows and the API (e.g. <c>fgj</c>, <c>town-shiqiao</c>).</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>The mid-level cadre (中层干部) who receives and works cases.</summary>
    public required DepartmentLiaison Handler { get; set; }

    /// <summary>The leadership member (班子成员) escalations go to.</summary>
    public required DepartmentLiaison Leader { get; set; }

    public bool Active { get; set; } = true;

    /// <summary>True for the shipped sample rows, so admins can see what still needs replacing.</summary>
    public bool IsSample { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A named person at a department. Liaisons have no account; they act through email links.</summary>
public sealed class DepartmentLiaison
{
    public required string Name { get; set; }

    public required string Email { get; set; }

    /// <summary>Language of the emails this person receives: <c>zh-CN</c> (default) or <c>en</c>.</summary>
    public string Culture { get; set; } = "zh-CN";
}
