#!/usr/bin/env python3
"""Times of a project run from its log (HH:MM:SS.mmm lines; the CLI's stderr in embedded mode, the
long-running worker's log otherwise), relative to the run's start t0 (epoch ms), lines in [t0, t1]:
  first=   first activity log line (what the run paid before its first logged step)
  healthy= the restored CA answered /health ("CA ... healthy")
  stopped= the CA stopped by the run
Prints key=value pairs (ms after t0; -1 when absent)."""
import datetime, re, sys

log, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
base = datetime.datetime.fromtimestamp(t0 / 1000)
out = {"first": -1, "healthy": -1, "stopped": -1, "startup_until_first_step": -1}
for line in open(log, errors="replace"):
    m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) ", line)
    if not m:
        continue
    t = base.replace(hour=int(m[1]), minute=int(m[2]), second=int(m[3]), microsecond=int(m[4]) * 1000)
    if t < base - datetime.timedelta(hours=12):
        t += datetime.timedelta(days=1)
    ms = int(t.timestamp() * 1000)
    if ms < t0 - 5 or ms > t1 + 5:
        continue
    rel = ms - t0
    if out["first"] < 0 and "INFO" in line:
        out["first"] = rel
    if out["healthy"] < 0 and " healthy: " in line:
        out["healthy"] = rel
    if out["stopped"] < 0 and re.search(r"CA \S+ stopped \(", line):
        out["stopped"] = rel
print(" ".join(f"{k}={v}" for k, v in out.items() if k != "startup_until_first_step"))
