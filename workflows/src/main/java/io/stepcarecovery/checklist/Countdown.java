package io.stepcarecovery.checklist;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The platform's TLS countdown: how long each service's certificate has left. While the CA is
 * down nobody can renew, so the earliest expiry is when the platform starts to break; that is the
 * line a person must see first. Pure text and ordering, shared by the checklist and {@code overview}.
 */
public final class Countdown {
  /** The checklist item whose failure means the CA is down. */
  public static final String CA_RUNNING = "Step-CA running";
  /** The checklist item whose failure means the CA, running or not, signs nothing. */
  public static final String CA_ISSUES = "Certificate issuance functional";

  private Countdown() {}

  /** "13 h 20 min", "2 d 4 h", "45 min", "30 s": whole units, rounded down (never earlier than true). */
  public static String span(Duration d) {
    Duration a = d.abs();
    if (a.toDays() > 0) {
      return a.toDays() + " d " + a.toHoursPart() + " h";
    }
    if (a.toHours() > 0) {
      return a.toHours() + " h " + a.toMinutesPart() + " min";
    }
    if (a.toMinutes() > 0) {
      return a.toMinutes() + " min";
    }
    return a.toSecondsPart() + " s";
  }

  /** "expires in 13 h 20 min" or "EXPIRED 2 h 5 min ago". */
  public static String left(Instant notAfter, Instant now) {
    Duration d = Duration.between(now, notAfter);
    return d.isNegative() ? "EXPIRED " + span(d) + " ago" : "expires in " + span(d);
  }

  /** "app.internal expires in 13 h 20 min": a service as people name it, then its time left. */
  public static String line(String url, Instant notAfter, Instant now) {
    return service(url) + " " + left(notAfter, now);
  }

  /** The service as people name it: its host, and the port when not 443 (the metrics' service label). */
  public static String service(String url) {
    try {
      URI u = URI.create(url);
      if (u.getHost() == null) {
        return url;
      }
      return u.getPort() > 0 && u.getPort() != 443 ? u.getHost() + ":" + u.getPort() : u.getHost();
    } catch (IllegalArgumentException e) {
      return url;
    }
  }

  /** The checklist says the CA is down: its "Step-CA running" item failed. */
  public static boolean caDown(List<ChecklistItem> items) {
    return items.stream().anyMatch(i -> CA_RUNNING.equals(i.item()) && i.isFailed());
  }

  /**
   * The checklist says no service can renew now: the CA is down, or it runs and signs nothing (its
   * database dropped, its key unreadable): the countdown runs all the same.
   */
  public static boolean cannotRenew(List<ChecklistItem> items) {
    return caDown(items) || items.stream().anyMatch(i -> CA_ISSUES.equals(i.item()) && i.isFailed());
  }

  /** The items that say when a service's certificate expires, earliest first (unreadable times left out). */
  public static List<ChecklistItem> earliestFirst(List<ChecklistItem> items) {
    return items.stream().filter(i -> i.service() != null && expiry(i) != null)
        .sorted(Comparator.comparing(Countdown::expiry)).toList();
  }

  /** The items that say when a service's certificate expires, in checklist order. */
  public static List<ChecklistItem> inOrder(List<ChecklistItem> items) {
    return items.stream().filter(i -> i.service() != null && expiry(i) != null).toList();
  }

  /** The item's {@code expiresAt}, or null when it has none or it does not parse. */
  public static Instant expiry(ChecklistItem i) {
    try {
      return i.expiresAt() == null ? null : Instant.parse(i.expiresAt());
    } catch (DateTimeException e) {
      return null;
    }
  }
}
