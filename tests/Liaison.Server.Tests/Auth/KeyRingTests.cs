using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Liaison.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Liaison.Server.Tests.Auth;

/// <summary>
/// The key ring that signs cookies and bearer tokens lives in the database; with a certificate configured its keys are
/// stored encrypted (a security review: a database copy could forge any sign-in, an admin's included).
/// </summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task With_a_certificate_the_keys_are_stored_encrypted_and_signing_in_still_works()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Liaison key ring test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"liaison-keys-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "pfx-password-1"));
        try
        {
            await using var app = await LiaisonApp.StartAsync(nameof(KeyRingTests), withSmtp: false, emptyDatabase: true, configure: s =>
            {
                s["Liaison:DataProtection:CertificatePath"] = path;
                s["Liaison:DataProtection:CertificatePassword"] = "pfx-password-1";
            });
            var officer = await app.AsOfficerAsync();

            Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/departments")).StatusCode);
            var keys = await app.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync());
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.Contains("encryptedSecret", k));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
