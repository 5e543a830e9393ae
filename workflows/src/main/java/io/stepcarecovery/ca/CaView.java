package io.stepcarecovery.ca;

/**
 * A CA as one side's config describes it: the worker's (the describe activity's result) or the
 * CLI's (sent in the request). When both sides run with different config files the same CA name
 * can mean another CA, so a run compares the two before it touches anything.
 *
 * @param store the backups' store, or null when the config has none
 */
public record CaView(String name, String caConfig, String url, String store) {

  public String describe() {
    return "caConfig " + caConfig + ", url " + url + ", store " + store;
  }
}
