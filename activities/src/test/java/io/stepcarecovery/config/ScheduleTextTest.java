package io.stepcarecovery.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A schedule as the config says it: cron or interval, and each mistake named before any service sees it. */
class ScheduleTextTest {
  @Test
  void intervalsAreReadAsDurationTextReadsThem() {
    assertEquals(Duration.ofHours(6), ScheduleText.parse("6h").every());
    assertNull(ScheduleText.parse("6h").cron());
    assertEquals(Duration.ofMinutes(90), ScheduleText.parse(" 90m ").every());
    assertEquals("every 6h", ScheduleText.parse("6h").describe());
    assertEquals("every 90m", ScheduleText.parse("90m").describe());
  }

  @Test
  void cronExpressionsOfFiveFieldsAndMacrosAreKeptAsWritten() {
    assertEquals("0 3 * * *", ScheduleText.parse("0   3 * * *").cron());
    assertEquals("*/15 1-5,22 1 JAN-mar sun", ScheduleText.parse("*/15 1-5,22 1 JAN-mar sun").cron());
    assertEquals("@daily", ScheduleText.parse("@Daily").cron());
    assertNull(ScheduleText.parse("@weekly").every());
  }

  @Test
  void eachMistakeSaysWhatIsWrong() {
    assertTrue(error("30s").contains("more often than once a minute"), error("30s"));
    assertTrue(error("1d").contains("a day is 24h"), error("1d"));
    assertTrue(error("0 3 * *").contains("has 4 fields"), error("0 3 * *"));
    assertTrue(error("61 3 * * *").contains("minute field '61'") && error("61 3 * * *").contains("outside 0-59"),
        error("61 3 * * *"));
    assertTrue(error("0 24 * * *").contains("hour field"), error("0 24 * * *"));
    assertTrue(error("0 3 0 * *").contains("day of month field"), error("0 3 0 * *"));
    assertTrue(error("0 3 * FOO *").contains("not a number nor a name such as JAN"), error("0 3 * FOO *"));
    assertTrue(error("0 5-1 * * *").contains("runs backwards"), error("0 5-1 * * *"));
    assertTrue(error("*/0 * * * *").contains("a step of 0"), error("*/0 * * * *"));
    assertTrue(error("@sometimes").contains("@daily"), error("@sometimes"));
    assertTrue(error(" ").contains("empty"), error(" "));
  }

  private static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> ScheduleText.parse(text)).getMessage();
  }
}
