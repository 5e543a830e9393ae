#!/usr/bin/env python3
"""bench/run's table: reads the rows bench/run wrote, prints the comparison and the last line."""
import glob, os, re, statistics, sys

rows_file, data_bytes, res_dir, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
topology = sys.argv[5] if len(sys.argv) > 5 else "embedded"
rows = {}
for line in open(rows_file):
    kind, *kv = line.split()
    rows.setdefault(kind, []).append({k: v for k, v in (x.split("=", 1) for x in kv)})

def med(kind, key):
    vals = [float(r[key]) for r in rows.get(kind, []) if key in r and r[key] not in ("-1", "None")]
    return statistics.median(vals) if vals else float("nan")

MB = data_bytes / 1e6
rb_window = med("rb_backup", "window")            # CA exit → start command: tar -czf (+ nothing else)
rb_tar = med("rb_backup", "tar")
rb_down = med("rb_backup", "downtime")
pj_window = med("pj_backup", "window")
pj_down = med("pj_backup", "downtime")
pj_wall = med("pj_backup", "wall")
pj_arch = med("pj_backup", "archive_ms")
rb_thr = MB / (rb_tar / 1000)
# the project's archive phase (tar + parallel gzip + per-file SHA-256) from its log; else its wall
pj_thr = MB / (pj_arch / 1000) if pj_arch == pj_arch and pj_arch > 0 else float("nan")
rb_rest = med("rb_restore", "wall")
# The headline: the production topology (long-running worker) when it was measured.
HEAD = "pj_restore_worker" if rows.get("pj_restore_worker") else "pj_restore_embedded"
pj_rest = med(HEAD, "wall")

# peak heap: the largest heap-in-use before a GC, over every JVM the project ran (-Xlog:gc)
peak = 0.0
for f in glob.glob(os.path.join(res_dir, "gc-*.log")):
    for m in re.finditer(r"(\d+)M->(\d+)M\((\d+)M\)", open(f).read()):
        peak = max(peak, float(m.group(1)), float(m.group(2)))

def fmt(v, unit=""):
    return "n/a" if v != v else (f"{v:,.0f}{unit}" if abs(v) >= 100 else f"{v:,.2f}{unit}")

print(f"\ndata directory: {data_bytes:,} bytes ({MB:,.0f} MB), rounds: {len(rows.get('rb_backup', []))} (medians)"
      f", project topology: {topology} (backup and headline: {'worker' if 'worker' in HEAD else 'embedded'})")
print(f"{'':34}{'runbook':>14}{'stepca-recovery':>18}{'ratio':>9}")
def row(name, a, b, unit="", ratio=True):
    r = b / a if ratio and a == a and b == b and a else float("nan")
    print(f"{name:34}{fmt(a, unit):>14}{fmt(b, unit):>18}{fmt(r) if ratio else '':>9}")
row("backup: CA stopped window (ms)", rb_window, pj_window)
row("  of which snapshot copy (ms)", float("nan"), med("pj_backup", "snapshot_ms"), ratio=False)
row("backup: CA downtime (ms)", rb_down, pj_down)
row("  step-ca stop (ms)", med("rb_backup", "stop"), float("nan"), ratio=False)
row("  step-ca start → /health (ms)", med("rb_backup", "start") + med("rb_backup", "health"), float("nan"), ratio=False)
row("backup: wall (ms)", med("rb_backup", "wall"), pj_wall)
row("backup: archive phase (ms)", rb_tar, pj_arch)
row("backup: throughput (MB/s)", rb_thr, pj_thr)
row("backup: archive size (bytes)", med("rb_backup", "size"), med("pj_backup", "size"))
row("backup: peak RSS (MB)", med("rb_backup", "rss_kb") / 1024, med("pj_backup", "rss_kb") / 1024)
print("  runbook restore: " + " ".join(f"{k}={fmt(med('rb_restore', k))}" for k in ("stop", "rm", "untar", "chown", "start", "health")))
for kind, name in (("pj_restore_worker", "worker"), ("pj_restore_embedded", "embedded")):
    if not rows.get(kind):
        continue
    row(f"restore [{name}]: wall, all checks (ms)", rb_rest, med(kind, "wall"))
    row(f"  [{name}] to CA healthy (ms)", rb_rest, med(kind, "healthy"))
    row(f"  [{name}] checklist after (ms)", float("nan"), med(kind, "wall") - med(kind, "healthy"), ratio=False)
    row(f"  [{name}] first logged step (ms)", float("nan"), med(kind, "first"), ratio=False)
    row(f"  [{name}] CA downtime (ms)", med("rb_restore", "downtime"), med(kind, "downtime"))
    if name == "embedded":
        row(f"  [{name}] peak RSS (MB)", med("rb_restore", "rss_kb") / 1024, med(kind, "rss_kb") / 1024)
    else:
        row(f"  [{name}] CLI peak RSS (MB)", med("rb_restore", "rss_kb") / 1024, med(kind, "rss_kb") / 1024)
if rows.get("restic_restore"):
    # the target: the project's wall to a healthy CA against `restic restore` plus
    # step-ca's own start to /health (restic's stop, rm and chown left out, as the target says)
    rs = med("restic_restore", "restore") + med("restic_restore", "start") + med("restic_restore", "health")
    print("  restic restore: " + " ".join(f"{k}={fmt(med('restic_restore', k))}"
          for k in ("stop", "rm", "restore", "chown", "start", "health", "load")))
    for kind, name in (("pj_restore_worker", "worker"), ("pj_restore_embedded", "embedded")):
        if rows.get(kind):
            row(f"  [{name}] to healthy vs restic+start", rs, med(kind, "healthy"))
if rows.get("pj_worker"):
    row("worker process peak RSS (MB)", float("nan"), med("pj_worker", "rss_kb") / 1024, ratio=False)
print()
def r(a, b):
    return "nan" if a != a or b != b or not a else f"{b / a:.3f}"
print(f"stopped_window_ratio={r(rb_window, pj_window)} downtime_ratio={r(rb_down, pj_down)} "
      f"backup_throughput_ratio={r(rb_thr, pj_thr)} restore_ratio={r(rb_rest, pj_rest)} peak_heap_mb={peak:.0f}")
