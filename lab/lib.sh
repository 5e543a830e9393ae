# shellcheck shell=bash
# lab/lib.sh — helpers shared by lab/up, lab/down, lab/ca-ctl, lab/app-ctl (sourced, not run).
# shellcheck disable=SC2034,SC1091  # globals are used by the scripts that source this file

LAB_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$LAB_HOME/.." && pwd -P)"
STEPCA_BIN="$LAB_HOME/build/stepca-lab"
LAB_IMAGE="localhost/step-ca:lab"

die() { echo "${0##*/}: $*" >&2; exit 1; }
note() { [[ -n "${LAB_QUIET:-}" ]] || echo "$*"; }

# lab_dir DIR -> absolute, normalised path (need not exist yet); rejects characters that
# would need quoting in the command strings written to config.yaml.
lab_dir() {
  [[ -n "${1:-}" ]] || die "missing DIR (see --help)"
  local d
  d="$(realpath -m -- "$1")"
  [[ "$d" =~ ^[A-Za-z0-9._/@+=,-]+$ ]] || die "DIR '$d' contains characters the lab does not support (use [A-Za-z0-9._/@+=,-])"
  printf '%s\n' "$d"
}

# container name for a lab dir: stepca-lab-<first 10 hex of sha256(DIR)>
lab_container() { printf 'stepca-lab-%s\n' "$(printf '%s' "$1" | sha256sum | cut -c1-10)"; }

# load DIR/lab.env if present (MODE, CONTAINER, DOCKER_HOST, ports ...)
lab_load_env() {
  MODE=command CONTAINER="" DOCKER_HOST_URL=""
  if [[ -f "$1/lab.env" ]]; then
    # shellcheck disable=SC1091
    MODE="$(. "$1/lab.env" >/dev/null 2>&1; echo "${MODE:-command}")"
    CONTAINER="$(. "$1/lab.env" >/dev/null 2>&1; echo "${CONTAINER:-}")"
    DOCKER_HOST_URL="$(. "$1/lab.env" >/dev/null 2>&1; echo "${DOCKER_HOST:-}")"
  fi
}

# pid_alive PIDFILE NAME -> prints pid and returns 0 if the pid in PIDFILE is alive and its
# command line mentions NAME (guards against a recycled pid).
pid_alive() {
  local pidfile=$1 name=$2 pid
  [[ -s "$pidfile" ]] || return 1
  pid="$( { tr -dc '0-9' < "$pidfile"; } 2>/dev/null)" || return 1
  [[ -n "$pid" ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  # a zombie still has /proc/PID but is dead
  local stat
  stat="$( { cat "/proc/$pid/stat"; } 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]] || return 1
  { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "$name" || return 1
  printf '%s\n' "$pid"
}

# bash snippet closing every fd but 0-2, so daemons never hold a caller's pipes (a test
# harness waiting for EOF would hang) or our flock fds.
# shellcheck disable=SC2016
CLOSE_FDS='for f in /proc/$$/fd/*; do f=${f##*/}; case $f in 0|1|2) ;; *) eval "exec $f>&-" 2>/dev/null || true ;; esac; done'

# spawn_detached PIDFILE LOGFILE CMD... : start CMD fully detached (new session, no
# controlling tty, stdin /dev/null, stdout+stderr appended to LOGFILE); the pid of CMD
# itself (exec'd) is written to PIDFILE before exec.
spawn_detached() {
  local pidfile=$1 logfile=$2; shift 2
  rm -f -- "$pidfile"
  # shellcheck disable=SC2016
  setsid nohup bash -c "$CLOSE_FDS"'; echo $$ > "$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" \
    </dev/null >>"$logfile" 2>&1 &
  local i
  for i in $(seq 1 50); do [[ -s "$pidfile" ]] && return 0; sleep 0.02; done
  return 1
}

# stop_pid PIDFILE NAME WHAT : SIGTERM, wait up to 30 s for a real exit, SIGKILL only after that.
stop_pid() {
  local pidfile=$1 name=$2 what=$3 pid i
  if ! pid="$(pid_alive "$pidfile" "$name")"; then rm -f -- "$pidfile"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    pid_alive "$pidfile" "$name" >/dev/null || { rm -f -- "$pidfile"; return 0; }
    sleep 0.1
  done
  echo "${0##*/}: $what (pid $pid) did not exit 30 s after SIGTERM; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    pid_alive "$pidfile" "$name" >/dev/null || { rm -f -- "$pidfile"; return 0; }
    sleep 0.1
  done
  echo "${0##*/}: $what (pid $pid) still alive after SIGKILL" >&2
  return 1
}

# --- podman (Docker Engine API) ---------------------------------------------------------
podman_url() { printf 'unix://%s/podman.sock\n' "$1"; }
podman_api() { local d=$1; shift; podman --url "$(podman_url "$d")" "$@"; }

# podman_service_start DIR : `podman system service` on DIR/podman.sock (pid DIR/podman.pid),
# idempotent; waits until the API answers (max 30 s). A service that exits while starting is
# started again, up to 3 times: seen once in CI, with nothing in its log, while other labs'
# podman commands ran.
podman_service_start() {
  local d=$1 attempt
  for attempt in 1 2 3; do
    if ! pid_alive "$d/podman.pid" "system service" >/dev/null; then
      rm -f -- "$d/podman.sock"
      spawn_detached "$d/podman.pid" "$d/podman.log" \
        podman system service --time=0 "$(podman_url "$d")" || die "podman service did not start (see $d/podman.log)"
    fi
    for _ in $(seq 1 300); do
      if [[ -S "$d/podman.sock" ]] && podman_api "$d" version >/dev/null 2>&1; then return 0; fi
      pid_alive "$d/podman.pid" "system service" >/dev/null || break
      sleep 0.1
    done
    pid_alive "$d/podman.pid" "system service" >/dev/null \
      && die "podman API on $d/podman.sock not answering after 30 s (see $d/podman.log)"
    echo "${0##*/}: podman service exited while starting (attempt $attempt of 3); its log:" >&2
    tail -n 20 "$d/podman.log" >&2
    sleep 1
  done
  die "podman service exited 3 times while starting (see $d/podman.log)"
}

podman_service_stop() {
  local d=$1
  stop_pid "$d/podman.pid" "system service" "podman system service"
  [[ -S "$d/podman.sock" ]] && rm -f -- "$d/podman.sock"
  return 0
}

# container_state DIR NAME -> running|exited|created|...|missing
container_state() {
  local s
  if s="$(podman_api "$1" container inspect --format '{{.State.Status}}' "$2" 2>/dev/null)"; then
    printf '%s\n' "$s"
  else
    printf 'missing\n'
  fi
}

# --- ports ---------------------------------------------------------------------------------
# free_ports N : N distinct free loopback TCP ports, chosen at random below the ephemeral
# range (so outgoing connections never take them while a CA is stopped), bind-tested, and
# reserved for 10 minutes in /tmp/stepca-lab-ports under flock so concurrent `up`s differ.
free_ports() {
  python3 - "$1" <<'PY'
import fcntl, os, random, socket, sys, time
n = int(sys.argv[1]); path = "/tmp/stepca-lab-ports"; now = time.time()
with open(path + ".lock", "a") as lk:
    fcntl.flock(lk, fcntl.LOCK_EX)
    held = {}
    try:
        for line in open(path):
            p, t = line.split()
            if now - float(t) < 600: held[int(p)] = float(t)
    except (FileNotFoundError, ValueError):
        pass
    lo, hi = 20000, 32000
    try:
        lo_eph = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
        hi = min(hi, lo_eph - 1)
    except Exception:
        pass
    out = []
    for _ in range(2000):
        if len(out) == n: break
        p = random.randint(lo, hi)
        if p in held or p in out: continue
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", p)); out.append(p)
        except OSError:
            pass
        finally:
            s.close()
    if len(out) < n: sys.exit("no free port found")
    for p in out: held[p] = now
    with open(path + ".new", "w") as f:
        for p, t in held.items(): f.write(f"{p} {t}\n")
    os.replace(path + ".new", path)
print(" ".join(map(str, out)))
PY
}
