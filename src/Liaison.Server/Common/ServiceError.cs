using Liaison.Cases.Common;

namespace Liaison.Server.Common;

/// <summary>
/// Why a service did nothing. Services report what went wrong in the domain's terms, never an HTTP status: the API
/// maps each kind to its status code (<see cref="Http.Problems"/>) and the pages to their own answer.
/// </summary>
public abstract record ServiceError(Text Message)
{
    /// <summary>No such case, department, account, ….</summary>
    public sealed record NotFound(Text Message) : ServiceError(Message);

    /// <summary>The input is wrong; <see cref="Fields"/> says where.</summary>
    public sealed record Invalid(Validation Fields) : ServiceError(Fields.Summary());

    /// <summary>It clashes with what exists or just happened (a duplicate, a race lost, the workflow not waiting).</summary>
    public sealed record Conflict(Text Message) : ServiceError(Message);

    /// <summary>It used to exist and has ended for good (a personal link after reassignment or cancellation).</summary>
    public sealed record Gone(Text Message) : ServiceError(Message);

    /// <summary>The case's state does not allow it now, with the reason.</summary>
    public sealed record NotAllowed(Text Message) : ServiceError(Message);

    /// <summary>This person or link may never do it (a leader's link cannot resolve).</summary>
    public sealed record Forbidden(Text Message) : ServiceError(Message);
}

/// <summary>A service's answer: the value, or why there is none.</summary>
public readonly record struct ServiceResult<T>(T? Value, ServiceError? Error)
{
    public bool Succeeded => Error is null;

    public static implicit operator ServiceResult<T>(T value) => new(value, null);

    public static implicit operator ServiceResult<T>(ServiceError error) => new(default, error);
}
