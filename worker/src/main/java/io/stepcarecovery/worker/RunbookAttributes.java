package io.stepcarecovery.worker;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search attributes that let the Temporal UI filter runs by CA, runbook and reason. They are
 * registered where the server allows it; where it does not, runs go on without them.
 */
public final class RunbookAttributes {
  private static final Logger log = LoggerFactory.getLogger(RunbookAttributes.class);
  public static final SearchAttributeKey<String> CA_NAME = SearchAttributeKey.forKeyword("CaName");
  public static final SearchAttributeKey<String> RUNBOOK_KIND = SearchAttributeKey.forKeyword("RunbookKind");
  public static final SearchAttributeKey<String> REASON = SearchAttributeKey.forText("Reason");
  static final Map<String, IndexedValueType> ALL = Map.of(
      "CaName", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      "RunbookKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      "Reason", IndexedValueType.INDEXED_VALUE_TYPE_TEXT);

  private RunbookAttributes() {}

  public static SearchAttributes of(String ca, String kind, String reason) {
    SearchAttributes.Builder b = SearchAttributes.newBuilder().set(CA_NAME, ca).set(RUNBOOK_KIND, kind);
    if (reason != null && !reason.isBlank()) {
      b.set(REASON, reason);
    }
    return b.build();
  }

  /**
   * Registers the attributes on a cluster; false when the server refuses. Only the worker says so
   * ({@code warn}), once as it starts: a CLI command against the dev-server would print the same
   * line every time, and it changes nothing the person can act on there.
   */
  static boolean register(WorkflowServiceStubs service, String namespace, boolean warn) {
    OperatorServiceStubs operator = null;
    try {
      operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
          .setChannel(service.getRawChannel()).validateAndBuildWithDefaults());
      var existing = operator.blockingStub().listSearchAttributes(
          ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build()).getCustomAttributesMap();
      AddSearchAttributesRequest.Builder add = AddSearchAttributesRequest.newBuilder().setNamespace(namespace);
      ALL.forEach((name, type) -> {
        if (!existing.containsKey(name)) {
          add.putSearchAttributes(name, type);
        }
      });
      if (add.getSearchAttributesCount() > 0) {
        operator.blockingStub().addSearchAttributes(add.build());
      }
      return true;
    } catch (RuntimeException e) {
      String why = "search attributes CaName/RunbookKind/Reason are not available on this Temporal service ({});"
          + " runs go on without them";
      if (warn) {
        log.warn(why, e.getMessage());
      } else {
        log.debug(why, e.getMessage());
      }
      return false;
    } finally {
      if (operator != null) {
        operator.shutdown();
      }
    }
  }
}
