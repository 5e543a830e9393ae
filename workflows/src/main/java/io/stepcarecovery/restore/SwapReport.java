package io.stepcarecovery.restore;

import java.util.List;

/**
 * @param movedAside live paths moved aside (never deleted), e.g. {@code /etc/step-ca.pre-restore-T}
 * @param placed paths now holding the data put in place
 */
public record SwapReport(List<String> movedAside, List<String> placed) {}
