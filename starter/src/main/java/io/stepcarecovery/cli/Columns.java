package io.stepcarecovery.cli;

/**
 * How many terminal columns text takes, and text cut to fit: a redrawn line that wraps moves
 * every line below it, and the in-place redraw then lands on the wrong rows (the garbled screen
 * of issue 11). Combining and format characters take none, East Asian wide and emoji take two.
 */
final class Columns {
  static final String ELLIPSIS = "…";

  private Columns() {}

  /** The columns {@code s} takes on a terminal (the text is already free of control characters). */
  static int width(String s) {
    int w = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      w += width(cp);
      i += Character.charCount(cp);
    }
    return w;
  }

  /** {@code s} cut to at most {@code max} columns, its end replaced by an ellipsis when cut. */
  static String cut(String s, int max) {
    if (max <= 0) {
      return "";
    }
    if (width(s) <= max) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    int w = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int cw = width(cp);
      if (w + cw > max - 1) { // one column kept for the ellipsis
        break;
      }
      b.appendCodePoint(cp);
      w += cw;
      i += Character.charCount(cp);
    }
    return b.append(ELLIPSIS).toString();
  }

  static int width(int cp) {
    int type = Character.getType(cp);
    if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
        || cp == 0x200b) {
      return 0;
    }
    return wide(cp) ? 2 : 1;
  }

  /** East Asian Wide and Fullwidth blocks, and the emoji planes terminals draw two columns wide. */
  private static boolean wide(int cp) {
    return cp >= 0x1100 && cp <= 0x115f
        || cp >= 0x2e80 && cp <= 0x303e
        || cp >= 0x3041 && cp <= 0x33ff
        || cp >= 0x3400 && cp <= 0x4dbf
        || cp >= 0x4e00 && cp <= 0x9fff
        || cp >= 0xa000 && cp <= 0xa4cf
        || cp >= 0xac00 && cp <= 0xd7a3
        || cp >= 0xf900 && cp <= 0xfaff
        || cp >= 0xfe30 && cp <= 0xfe4f
        || cp >= 0xff00 && cp <= 0xff60
        || cp >= 0xffe0 && cp <= 0xffe6
        || cp >= 0x1f300 && cp <= 0x1f64f
        || cp >= 0x1f900 && cp <= 0x1f9ff
        || cp >= 0x20000 && cp <= 0x3fffd;
  }
}
