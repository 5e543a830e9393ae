package io.stepcarecovery.ingress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.ingress.TraefikAcmeJson.Resolver;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traefik's acme.json as Traefik writes it (local_store.go: json.MarshalIndent of map[resolver]
 * *StoredData; []byte fields as standard base64; a nil account as null), and hostile variants.
 */
class TraefikAcmeJsonTest {
  static KeyPair accountKey;
  static String pkcs1Base64;
  static String certPemBase64;
  static X509Certificate cert;

  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    accountKey = g.generateKeyPair();
    // Go's x509.MarshalPKCS1PrivateKey: the RSAPrivateKey inside PKCS#8's PrivateKeyInfo.
    byte[] pkcs1 = PrivateKeyInfo.getInstance(accountKey.getPrivate().getEncoded()).parsePrivateKey()
        .toASN1Primitive().getEncoded();
    pkcs1Base64 = Base64.getEncoder().encodeToString(pkcs1);
    Instant now = Instant.now();
    cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        new X500Name("CN=app.example.org"), BigInteger.TEN, Date.from(now.minus(Duration.ofMinutes(1))),
        Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=app.example.org"), accountKey.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(accountKey.getPrivate())));
    String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
        .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    certPemBase64 = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
  }

  /** Two resolvers the way Traefik v2 writes them: one with an account, one never used. */
  static String traefikFile() {
    return """
        {
          "internal": {
            "Account": {
              "Email": "ops@example.org",
              "Registration": {
                "body": {
                  "status": "valid",
                  "contact": [
                    "mailto:ops@example.org"
                  ],
                  "orders": "https://ca.internal:9000/acme/acme/account/Xy7Qq/orders"
                },
                "uri": "https://ca.internal:9000/acme/acme/account/Xy7Qq"
              },
              "PrivateKey": "%s",
              "KeyType": "4096"
            },
            "Certificates": [
              {
                "domain": {
                  "main": "app.example.org",
                  "sans": [
                    "www.example.org"
                  ]
                },
                "certificate": "%s",
                "key": "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQo=",
                "Store": "default"
              }
            ]
          },
          "unused": {
            "Account": null,
            "Certificates": null
          }
        }
        """.formatted(pkcs1Base64, certPemBase64);
  }

  @Test
  void readsTraefiksFormatAccountKeyAndCertificates() throws Exception {
    Path acme = dir.resolve("acme.json");
    Files.writeString(acme, traefikFile());

    List<Resolver> rs = TraefikAcmeJson.read(acme);

    assertEquals(List.of("internal", "unused"), rs.stream().map(Resolver::name).toList());
    Resolver r = rs.get(0);
    assertEquals("ops@example.org", r.account().email());
    assertEquals("https://ca.internal:9000/acme/acme/account/Xy7Qq", r.account().uri());
    assertFalse(r.account().toString().contains(pkcs1Base64.substring(0, 40)), "toString shows no key");
    KeyPair kp = AccountKeys.fromTraefik(r.account().privateKeyBase64());
    assertArrayEquals(accountKey.getPublic().getEncoded(), kp.getPublic().getEncoded(), "the public key follows from PKCS#1");
    assertArrayEquals(accountKey.getPrivate().getEncoded(), kp.getPrivate().getEncoded());
    assertEquals(1, r.certificates().size());
    assertEquals("app.example.org", r.certificates().get(0).main());
    X509Certificate leaf = CertificateFacts.leaf(r.certificates().get(0).certificatePem());
    assertEquals(cert, leaf);
    assertFalse(CertificateFacts.due(leaf, Instant.now()), "a day's certificate just issued is not due");
    assertTrue(CertificateFacts.due(leaf, Instant.now().plus(Duration.ofHours(17))), "with under a third left it is");
    assertNull(rs.get(1).account());
    assertEquals(List.of(), rs.get(1).certificates());
  }

  @Test
  void noFileYetIsNoResolver() throws Exception {
    assertEquals(List.of(), TraefikAcmeJson.read(dir.resolve("acme.json")));
  }

  @Test
  void anAccountKeyNotInPkcs1IsUnreadableLikeForTraefik() {
    String pkcs8 = Base64.getEncoder().encodeToString(accountKey.getPrivate().getEncoded());
    Exception e = assertThrows(java.security.GeneralSecurityException.class, () -> AccountKeys.fromTraefik(pkcs8));
    assertTrue(e.getMessage().contains("PKCS#1"), e.getMessage());
  }

  @Test
  void clearingRemovesOnlyTheNamedAccountKeepsCertificatesAndACopy() throws Exception {
    Path acme = dir.resolve("acme.json");
    String before = traefikFile().replace("\"Account\": null", """
        "Account": {"Email": "b@example.org", "Registration": {"body": {"status": "valid"},
          "uri": "https://ca.internal:9000/acme/acme/account/Other"}, "PrivateKey": "%s", "KeyType": "P256"}"""
        .formatted(pkcs1Base64));
    Files.writeString(acme, before);

    AcmeAccountsCleared c = IngressActivitiesImpl.clear(acme,
        a -> "https://ca.internal:9000/acme/acme/account/Xy7Qq".equals(a.path("Registration").path("uri").asText()));

    assertEquals(List.of("internal"), c.resolvers());
    assertEquals(before, Files.readString(Path.of(c.copy())), "the copy is acme.json as it was");
    List<Resolver> after = TraefikAcmeJson.read(acme);
    assertNull(after.get(0).account(), "the named account is gone");
    assertEquals(1, after.get(0).certificates().size(), "its certificate stays: Traefik renews it when due");
    assertEquals("https://ca.internal:9000/acme/acme/account/Other", after.get(1).account().uri(), "the other stays");
  }

  @Test
  void notJsonIsOneErrorWithoutTheFilesContentAndChangesNothing() throws Exception {
    String broken = traefikFile().substring(0, 600);
    ConfigException e = hostile("acme.json", broken);
    assertTrue(e.getMessage().contains("is not JSON (line"), e.getMessage());
    assertFalse(e.getMessage().contains(pkcs1Base64.substring(0, 20)), "no key in the message: " + e.getMessage());
  }

  @Test
  void wrongTypesAreNamedByTheirPath() throws Exception {
    assertTrue(hostile("a.json", "[1, 2]").getMessage().contains("holds a JSON array"));
    assertTrue(hostile("b.json", "{\"r\": \"x\"}").getMessage().contains("r is a JSON string, expected an object"));
    assertTrue(hostile("c.json", "{\"r\": {\"Account\": 5}}").getMessage().contains("r.Account is a JSON number"));
    assertTrue(hostile("d.json", "{\"r\": {\"Account\": {\"PrivateKey\": 12}}}").getMessage()
        .contains("r.Account.PrivateKey is a JSON number, expected text"));
    assertTrue(hostile("e.json", "{\"r\": {\"Account\": {\"PrivateKey\": \"%%%\"}}}").getMessage()
        .contains("r.Account.PrivateKey is not base64"));
    assertTrue(hostile("f.json", "{\"r\": {\"Account\": {\"PrivateKey\": \"AAAA\", \"Registration\": {\"uri\": []}}}}")
        .getMessage().contains("r.Account.Registration.uri is a JSON array"));
    assertTrue(hostile("g.json", "{\"r\": {\"Certificates\": {}}}").getMessage().contains("r.Certificates is a JSON object, expected an array"));
    assertTrue(hostile("h.json", "").getMessage().contains("is empty"));
  }

  @Test
  void aHugeFileIsRefusedUnread() throws Exception {
    Path acme = dir.resolve("acme.json");
    try (RandomAccessFile f = new RandomAccessFile(acme.toFile(), "rw")) {
      f.setLength(TraefikAcmeJson.MAX_BYTES + 1); // sparse: no disk used
    }
    ConfigException e = assertThrows(ConfigException.class, () -> IngressActivitiesImpl.clear(acme, a -> true));
    assertTrue(e.getMessage().contains("more than the"), e.getMessage());
    assertEquals(TraefikAcmeJson.MAX_BYTES + 1, Files.size(acme));
    assertSiblings("acme.json");
  }

  @Test
  void aSymlinkIsRefusedNeitherReadNorRewritten() throws Exception {
    Path real = dir.resolve("elsewhere.json");
    Files.writeString(real, traefikFile());
    Path acme = dir.resolve("acme.json");
    Files.createSymbolicLink(acme, real);
    ConfigException e = assertThrows(ConfigException.class, () -> IngressActivitiesImpl.clear(acme, a -> true));
    assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
    assertEquals(traefikFile(), Files.readString(real));
    assertTrue(Files.isSymbolicLink(acme));
    assertThrows(ConfigException.class, () -> TraefikAcmeJson.read(acme));
    assertSiblings("acme.json", "elsewhere.json");
  }

  /** The file is refused by the reader and by the clearing, and nothing beside it appears. */
  private ConfigException hostile(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    assertThrows(ConfigException.class, () -> TraefikAcmeJson.read(f));
    ConfigException e = assertThrows(ConfigException.class, () -> IngressActivitiesImpl.clear(f, a -> true));
    assertTrue(e.getMessage().startsWith("acme.json " + f), e.getMessage());
    assertEquals(content, Files.readString(f), "unchanged");
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(name + ".")), "no copy, no temp file");
    }
    return e;
  }

  private void assertSiblings(String... names) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(names), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }
}
