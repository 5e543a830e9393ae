#!/bin/sh
# One-shot, after the Temporal server is up (docker-compose service temporal-setup, image
# temporalio/admin-tools): the namespace the worker uses and the search attributes the
# stepca-recovery workflows set. Idempotent: what exists is left alone.
set -eu

addr=${TEMPORAL_ADDRESS:-temporal:7233}
ns=${TEMPORAL_NAMESPACE:-default}

# retry N COMMAND...: run COMMAND until it succeeds, at most N times, 2 s apart.
retry() {
  n=$1; shift
  i=1
  until "$@"; do
    if [ "$i" -ge "$n" ]; then
      echo "temporal-setup: gave up after $n attempts: $*" >&2
      return 1
    fi
    i=$((i + 1))
    sleep 2
  done
}

retry 60 temporal operator cluster health --address "$addr"

if temporal operator namespace describe --namespace "$ns" --address "$addr" >/dev/null 2>&1; then
  echo "temporal-setup: namespace $ns exists"
else
  retry 10 temporal operator namespace create --namespace "$ns" --address "$addr"
fi

# A new namespace takes a few seconds to reach every service: the creates below retry.
for spec in CaName:Keyword RunbookKind:Keyword Reason:Text; do
  name=${spec%%:*}
  type=${spec#*:}
  if temporal operator search-attribute list --namespace "$ns" --address "$addr" 2>/dev/null \
      | grep -qw "$name"; then
    echo "temporal-setup: search attribute $name exists"
  else
    retry 30 temporal operator search-attribute create --namespace "$ns" --address "$addr" \
      --name "$name" --type "$type"
  fi
done
echo "temporal-setup: done"
