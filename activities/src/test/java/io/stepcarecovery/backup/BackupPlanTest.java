package io.stepcarecovery.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stepcarecovery.config.ConfigException;
import io.stepcarecovery.config.StepcaRecoveryConfig.BackupsConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.CaConfig;
import io.stepcarecovery.config.StepcaRecoveryConfig.ServiceConfig;
import io.stepcarecovery.lab.LabCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a backup covers, decided from real ca.json files (a lab CA's, then edited). */
@Tag("lab")
class BackupPlanTest {
  @TempDir static Path tmp;
  static LabCa lab;
  static String caJson;

  @BeforeAll
  static void up() throws Exception {
    lab = LabCa.up(tmp.resolve("lab"));
    caJson = Files.readString(lab.caJson());
  }

  @AfterAll
  static void down() {
    lab.close();
  }

  private CaConfig ca(Path caConfig, Path store) {
    return new CaConfig("lab", "localhost", caConfig, lab.caUrl(), lab.rootCert(),
        new ServiceConfig("command", null, null, null, "true", "true", "true", null, null),
        null, null, null, new BackupsConfig(store, 3));
  }

  private Path variant(String name, String json) throws Exception {
    Path dir = tmp.resolve(name).resolve("config");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("ca.json"), json);
    return dir.resolve("ca.json");
  }

  @Test
  void badgerv2UnderTheStepPathIsOneRoot() throws Exception {
    BackupPlan plan = BackupActivitiesImpl.plan(ca(lab.caJson(), tmp.resolve("store")), false);
    assertEquals("badgerv2", plan.dbType());
    assertEquals(List.of(lab.stepPath().toString()), plan.roots());
    assertTrue(plan.estimatedBytes() > 0);
    assertEquals(64, plan.rootFingerprint().length());
  }

  @Test
  void postgresqlIsRefusedUnlessConfigOnlyIsAsked() throws Exception {
    Path pg = variant("pg", caJson.replaceFirst("\"type\":\\s*\"badgerv2\"", "\"type\": \"postgresql\""));
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(pg, tmp.resolve("store")), false));
    assertTrue(e.getMessage().contains("a file backup does not cover an external database")
        && e.getMessage().contains("--config-only"), e.getMessage());

    BackupPlan configOnly = BackupActivitiesImpl.plan(ca(pg, tmp.resolve("store")), true);
    assertEquals("postgresql", configOnly.dbType());
    assertTrue(configOnly.roots().contains(pg.getParent().getParent().toString()));
  }

  @Test
  void mysqlIsPlannedOnlineWithoutItsDataSourceAsAPath() throws Exception {
    Path mysql = variant("mysql", caJson.replaceFirst("\"db\":\\s*\\{[^}]*}",
        "\"db\": {\"type\": \"mysql\", \"dataSource\": \"ca:s3cret@tcp(127.0.0.1:3306)/\", \"database\": \"stepca\"}"));
    BackupPlan plan = BackupActivitiesImpl.plan(ca(mysql, tmp.resolve("store")), false);
    assertEquals("mysql", plan.dbType());
    assertTrue(plan.isOnline());
    // the step path and the certs/key ca.json names (here in the lab's tree); no database path
    assertEquals(mysql.getParent().getParent().toString(), plan.roots().get(0));
    assertTrue(plan.roots().stream().noneMatch(r -> r.endsWith("/db")), plan.roots().toString());
    assertFalse(plan.toString().contains("s3cret"), plan.toString());
  }

  @Test
  void mysqlWithABadDataSourceIsRefusedWithoutQuotingIt() throws Exception {
    Path mysql = variant("mysqlbad", caJson.replaceFirst("\"db\":\\s*\\{[^}]*}",
        "\"db\": {\"type\": \"mysql\", \"dataSource\": \"ca:s3cret@tcp(-x:3306)/\", \"database\": \"stepca\"}"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(mysql, tmp.resolve("store")), false));
    assertTrue(e.getMessage().contains("host") && !e.getMessage().contains("s3cret"), e.getMessage());
  }

  @Test
  void missingCaJsonNamesTheFile() {
    Path missing = tmp.resolve("nowhere/config/ca.json");
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(missing, tmp.resolve("store")), false));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void malformedCaJsonNamesTheFileAndTheLine() throws Exception {
    Path broken = variant("broken", "{\n  \"root\": \"/x\",\n  \"crt\": \n}");
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(broken, tmp.resolve("store")), false));
    assertTrue(e.getMessage().contains(broken.toString()) && e.getMessage().contains("line 4"), e.getMessage());
  }

  @Test
  void aStoreInsideAGitWorkTreeIsRefused() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo.resolve(".git"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(lab.caJson(), repo.resolve("backups")), false));
    assertTrue(e.getMessage().contains("git work tree " + repo), e.getMessage());
  }

  @Test
  void aStoreInsideTheCaDataIsRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(lab.caJson(), lab.stepPath().resolve("backups")), false));
    assertTrue(e.getMessage().contains("lies inside the CA's data"), e.getMessage());
  }

  @Test
  void aDatabaseBehindASymlinkIsFollowedAndRecorded() throws Exception {
    Path link = tmp.resolve("db-link");
    Files.createSymbolicLink(link, lab.stepPath().resolve("db"));
    Path c = variant("db-link", caJson.replace(lab.stepPath().resolve("db").toString(), link.toString()));
    BackupPlan plan = BackupActivitiesImpl.plan(ca(c, tmp.resolve("store")), false);
    assertTrue(plan.roots().contains(link.toString()), plan.roots().toString());
    assertEquals(java.util.Map.of(link.toString(), lab.stepPath().resolve("db").toString()), plan.symlinkedPaths());
  }

  @Test
  void aDanglingSymlinkedDatabaseIsRefusedNamingTheLink() throws Exception {
    Path link = tmp.resolve("dangling-db");
    Files.createSymbolicLink(link, tmp.resolve("gone"));
    Path c = variant("dangling", caJson.replace(lab.stepPath().resolve("db").toString(), link.toString()));
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(c, tmp.resolve("store")), false));
    assertTrue(e.getMessage().contains(link + " is a symlink to " + tmp.resolve("gone")), e.getMessage());
  }

  @Test
  void aStoreWhoseRealPathIsInsideTheCaDataIsRefused() throws Exception {
    Path link = tmp.resolve("store-link");
    Files.createSymbolicLink(link, lab.stepPath().resolve("templates"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> BackupActivitiesImpl.plan(ca(lab.caJson(), link.resolve("backups")), false));
    assertTrue(e.getMessage().contains("is really " + lab.stepPath().resolve("templates/backups")), e.getMessage());
    assertTrue(Files.notExists(lab.stepPath().resolve("templates/backups")), "refused before the store was made");
  }

  @Test
  void aStoreAroundTheCaDataIsNotItsConcern() throws Exception {
    // /srv as the store with the CA in /srv/step-ca: the work area is not inside the CA's data.
    BackupPlan plan = BackupActivitiesImpl.plan(ca(lab.caJson(), lab.dir()), false);
    assertEquals(List.of(lab.stepPath().toString()), plan.roots());
  }
}
