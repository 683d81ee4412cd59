using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace StableDiffusion.Studio.Sharing;

/// <summary>
/// 128 random bits, base64url, in the link's path. Only the SHA-256 is stored (W3C TAG capability URLs: at least
/// 120 bits from a CSPRNG; a stolen database must not give live links).
/// </summary>
public static class ShareToken
{
    public static string Create() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A 128-bit token is 22 base64url characters; anything else cannot be one.</summary>
    public static bool LooksValid(string token) => token.Length == 22 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
