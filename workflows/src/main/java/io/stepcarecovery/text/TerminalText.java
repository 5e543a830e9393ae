package io.stepcarecovery.text;

/**
 * Text from outside (an operator's reason, a record or manifest from the store, a file name, an
 * error message quoting any of them) made safe to show on a terminal: every control character
 * is shown as a visible escape instead of acting. A raw ESC could clear the screen or move the
 * cursor, a raw newline or carriage return could forge a row of the {@code backups} table, and a
 * bidirectional override could make a line read differently from what it holds. JSON output keeps
 * the raw text (Jackson escapes it); only what a terminal renders passes through here.
 *
 * <p>Escaped: C0 controls (U+0000–U+001F, tab and newline included), DEL, C1 controls
 * (U+0080–U+009F: U+009B is a one-character CSI), the line and paragraph separators, and the
 * bidirectional embeddings, overrides and isolates.
 */
public final class TerminalText {
  private TerminalText() {}

  /** One line (a table cell, a step's detail): nothing in it can end or redraw the line. */
  public static String line(String s) {
    return escape(s, false);
  }

  /** A message that may span lines: newlines stay, everything else that acts is escaped. */
  public static String lines(String s) {
    return escape(s, true);
  }

  private static String escape(String s, boolean keepNewlines) {
    if (s == null) {
      return null;
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!acts(c) || keepNewlines && c == '\n') {
        if (b != null) {
          b.append(c);
        }
        continue;
      }
      if (b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 0x1b -> b.append("\\e");
        default -> b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
      }
    }
    return b == null ? s : b.toString();
  }

  static boolean acts(char c) {
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
        || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
  }
}
