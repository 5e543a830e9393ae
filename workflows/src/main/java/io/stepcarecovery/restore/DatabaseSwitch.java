package io.stepcarecovery.restore;

import java.util.List;

/**
 * One direction of the database switch, CA stopped: which database now serves the CA, and where
 * the tables it replaced were moved (kept, never dropped).
 *
 * @param movedAsideTo the database now holding the replaced tables, or null when there were none
 *     (the CA's database was missing or empty: nothing to keep)
 * @param tables the tables now in {@code database}
 */
public record DatabaseSwitch(String address, String database, String movedAsideTo, List<String> tables) {
  /** As {@link SwapReport} lists moved paths: the databases, named for the result. */
  public SwapReport asSwap() {
    return new SwapReport(movedAsideTo == null ? List.of() : List.of(DatabaseNames.shown(movedAsideTo)
        + " on " + address), List.of(DatabaseNames.shown(database) + " on " + address));
  }
}
