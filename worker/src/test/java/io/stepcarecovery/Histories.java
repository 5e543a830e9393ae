package io.stepcarecovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A workflow's complete history as text a secret could be found in. The JSON form holds every
 * payload (inputs, results, failures' details, summaries) base64-encoded, so a password inside
 * one would never match a plain search of it: each payload is decoded and appended.
 */
public final class Histories {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Histories() {}

  public static String readable(WorkflowClient client, String workflowId) throws Exception {
    String json = client.fetchHistory(workflowId).toJson(true);
    StringBuilder out = new StringBuilder(json);
    for (JsonNode d : JSON.readTree(json).findValues("data")) {
      if (d.isTextual()) {
        try {
          out.append('\n').append(new String(Base64.getDecoder().decode(d.asText()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
          // kept as it is
        }
      }
    }
    return out.toString();
  }
}
