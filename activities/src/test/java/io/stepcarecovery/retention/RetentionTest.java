package io.stepcarecovery.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** restic's rules on small hand-made cases; RetentionResticIT compares with restic itself. */
class RetentionTest {
  private static final ZoneId UTC = ZoneOffset.UTC;

  private static List<Retention.Dated> at(String... times) {
    List<Retention.Dated> out = new ArrayList<>();
    for (String t : times) {
      out.add(new Retention.Dated(t, Instant.parse(t)));
    }
    return out;
  }

  @Test
  void lastKeepsTheNNewestWhateverTheOrderGiven() {
    List<Retention.Dated> list = at("2026-01-01T10:00:00Z", "2026-01-03T10:00:00Z", "2026-01-02T10:00:00Z");
    Retention.Decision d = Retention.apply(list, KeepPolicy.lastN(2), UTC);
    assertEquals(List.of("2026-01-03T10:00:00Z", "2026-01-02T10:00:00Z"), d.keptIds());
    assertEquals(List.of("2026-01-01T10:00:00Z"), d.removedIds());
  }

  @Test
  void dailyKeepsTheNewestOfEachOfTheNNewestDays() {
    List<Retention.Dated> list = at("2026-01-03T18:00:00Z", "2026-01-03T08:00:00Z", "2026-01-02T23:59:59Z",
        "2026-01-02T00:00:00Z", "2026-01-01T12:00:00Z");
    Retention.Decision d = Retention.apply(list, KeepPolicy.of(null, 2, null, null, null), UTC);
    assertEquals(List.of("2026-01-03T18:00:00Z", "2026-01-02T23:59:59Z"), d.keptIds());
  }

  @Test
  void daysAreLocalDaysOfTheZone() {
    // 23:30 UTC on the 2nd is already the 3rd in Berlin: one day there, two in UTC.
    List<Retention.Dated> list = at("2026-01-03T08:00:00Z", "2026-01-02T23:30:00Z");
    KeepPolicy daily2 = KeepPolicy.of(null, 2, null, null, null);
    assertEquals(2, Retention.apply(list, daily2, UTC).keep().size());
    assertEquals(List.of("2026-01-03T08:00:00Z"), Retention.apply(list, daily2, ZoneId.of("Europe/Berlin")).keptIds());
  }

  @Test
  void weeksAreIsoWeeksAcrossTheYearEnd() {
    // 2026-12-31 (Thursday) and 2027-01-03 (Sunday) are both in ISO week 2026-W53; 2027-01-04 is W01.
    List<Retention.Dated> list = at("2027-01-04T12:00:00Z", "2027-01-03T12:00:00Z", "2026-12-31T12:00:00Z",
        "2026-12-27T12:00:00Z");
    Retention.Decision d = Retention.apply(list, KeepPolicy.of(null, null, 3, null, null), UTC);
    assertEquals(List.of("2027-01-04T12:00:00Z", "2027-01-03T12:00:00Z", "2026-12-27T12:00:00Z"), d.keptIds());
  }

  @Test
  void eachRuleCountsItsOwnBucketsAndAnyRuleKeeps() {
    List<Retention.Dated> list = at("2026-03-02T12:00:00Z", "2026-03-01T12:00:00Z", "2026-02-15T12:00:00Z",
        "2026-01-20T12:00:00Z", "2025-12-01T12:00:00Z", "2025-06-01T12:00:00Z");
    Retention.Decision d = Retention.apply(list, KeepPolicy.of(1, null, null, 3, 2), UTC);
    // last 1: 03-02; monthly 3: 03-02 (March), 02-15, 01-20; yearly 2: 03-02 (2026), 12-01 (2025).
    assertEquals(List.of("2026-03-02T12:00:00Z", "2026-02-15T12:00:00Z", "2026-01-20T12:00:00Z",
        "2025-12-01T12:00:00Z"), d.keptIds());
    assertEquals(List.of("last", "monthly", "yearly"), d.keep().get(0).rules());
    assertEquals(List.of("2026-03-01T12:00:00Z", "2025-06-01T12:00:00Z"), d.removedIds());
  }

  @Test
  void aPolicyThatKeepsNothingIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Retention.apply(at("2026-01-01T00:00:00Z"), KeepPolicy.of(0, 0, null, null, null), UTC));
  }

  @Test
  void resticArgsAndTheConfigFormRoundTrip() {
    KeepPolicy p = KeepPolicy.of(3, 7, null, 12, null);
    assertEquals(List.of("--keep-last", "3", "--keep-daily", "7", "--keep-monthly", "12"), p.resticArgs());
    assertEquals("{last: 3, daily: 7, monthly: 12}", p.toString());
    assertEquals("14", KeepPolicy.DEFAULT.toString());
  }
}
