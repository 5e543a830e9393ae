package io.stepcarecovery.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepcarecovery.checklist.ChecklistItem;
import io.stepcarecovery.checklist.Countdown;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The TLS countdown of a checklist for {@code --json}: {@code {"caDown": true, "canRenew": false,
 * "services": [{"service":
 * "app.internal", "url": …, "expiresAt": …, "secondsLeft": 48000}, …]}}, earliest first, so a script
 * reads {@code services[0]} for the first certificate to break. {@code secondsLeft} is counted when
 * printed (negative: expired).
 */
final class CountdownJson {
  private CountdownJson() {}

  static ObjectNode of(List<ChecklistItem> items, Instant now) {
    ObjectNode o = Output.JSON.createObjectNode();
    o.put("caDown", Countdown.caDown(items));
    o.put("canRenew", !Countdown.cannotRenew(items));
    ArrayNode list = o.putArray("services");
    for (ChecklistItem i : Countdown.earliestFirst(items)) {
      Instant at = Countdown.expiry(i);
      list.addObject().put("service", Countdown.service(i.service())).put("url", i.service())
          .put("expiresAt", at.toString()).put("secondsLeft", Duration.between(now, at).toSeconds());
    }
    return o;
  }
}
