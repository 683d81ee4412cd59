using Microsoft.AspNetCore.Identity;

namespace StableDiffusion.Studio.Data;

/// <summary>
/// An account: an email with a password, a passkey or both. Its id is the owner id of everything it made, the same
/// column an anonymous browser's id fills before it signs up (claiming moves that browser's rows to this id).
/// </summary>
public sealed class StudioUser : IdentityUser
{
    public DateTime CreatedAt { get; set; }

    /// <summary>Set by an administrator: the account cannot sign in, its keys stop working and its open tabs end.</summary>
    public bool IsDisabled { get; set; }
}
