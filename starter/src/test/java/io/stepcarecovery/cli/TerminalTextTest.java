package io.stepcarecovery.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.stepcarecovery.text.TerminalText;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
  @Test
  void everyControlCharacterIsShownNotActedOn() {
    assertEquals("a\\e[2Jb\\r\\n\\t\\x00\\x7f\\x9b\\x85\\u2028\\u202e\\u2066z",
        TerminalText.line("a\u001b[2Jb\r\n\t\u0000\u007f\u009b\u0085\u2028\u202e\u2066z"));
  }

  @Test
  void aMessageKeepsItsLinesButNothingElseThatActs() {
    assertEquals("first\nsecond \\e[31mred\\r", TerminalText.lines("first\nsecond \u001b[31mred\r"));
  }

  @Test
  void plainTextIsReturnedAsIs() {
    String s = "pre-upgrade ✓ — café 証明書";
    assertSame(s, TerminalText.line(s));
  }
}
