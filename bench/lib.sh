# shellcheck shell=bash
# bench/lib.sh — what the bench scripts share (sourced, not run).

# bench_build REPO: builds the reactor (no install: nothing goes to ~/.m2) when the CLI jar or
# the bench helpers are missing or older than any source, then sets BENCH_CP to the helpers'
# classes and their runtime classpath (bench/target/classpath, written by the bench module).
bench_build() {
  local repo=$1 jar="$1/starter/target/stepca-recovery.jar" cpf="$1/bench/target/classpath"
  if [[ ! -f "$jar" || ! -f "$cpf" ]] \
      || [[ -n "$(find "$repo"/{workflows,activities,worker,starter,bench}/src/main "$repo/pom.xml" -newer "$cpf" -type f -print -quit)" ]]; then
    printf '[bench] building stepca-recovery and its bench helpers (mvn package)\n' >&2
    (cd "$repo" && mvn -B -q -DskipTests package) >&2
  fi
  # shellcheck disable=SC2034  # read by the script that sources this file
  BENCH_CP="$repo/bench/target/classes:$(cat "$cpf")"
}
