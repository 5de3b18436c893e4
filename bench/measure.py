#!/usr/bin/env python3
"""Measures maillage's import of one CSV file against a named baseline, for bench/run.sh.

Steps, each a child process timed with wall-clock time and getrusage (peak RSS, user and system
CPU):
  import     maillage import --db DB FILE   into an empty database
  reimport   the same again                  (every record unchanged: the idempotent path)
  validate   maillage validate FILE          (read + normalise, no store)
  baseline   sqlite3 DB2 ".import --csv FILE places"   (SQLite's own CSV loader into a plain
             table: the raw speed of the storage engine, with no validation at all)
Prints a table with records/s, the ratio against the target (50,000 records/s) and against the
baseline, and writes the results as JSON.

Usage: measure.py --maillage BIN --csv FILE --records N --work DIR --json OUT.json
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

TARGET_RECORDS_PER_S = 50_000
COUNTS = re.compile(r"(\d+) lus, (?:(\d+) valides|(\d+) ajoutés, (\d+) modifiés, (\d+) inchangés), "
                    r"(\d+) rejetés")


def run(cmd, log_path):
    """Runs cmd; returns (seconds, peak RSS in MiB, user s, sys s, stdout)."""
    start = time.perf_counter()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    with open(log_path, "ab") as log:
        log.write(out)
    if proc.returncode != 0:
        sys.exit(f"measure.py: {' '.join(cmd)} exited with {proc.returncode} (see {log_path})")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime, usage.ru_stime, out.decode("utf-8", "replace")


def counts(stdout):
    m = COUNTS.search(stdout)
    if not m:
        return {}
    read, valid, added, updated, unchanged, rejected = m.groups()
    c = {"read": int(read), "rejected": int(rejected)}
    if valid is not None:
        c["valid"] = int(valid)
    else:
        c.update(added=int(added), updated=int(updated), unchanged=int(unchanged))
    return c


def remove_db(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def db_size_mib(path):
    return sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s)) / 2**20


def first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return ""


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rev = first_line(["git", "-C", root, "rev-parse", "--short", "HEAD"])
    dirty = 0
    if rev:
        dirty = subprocess.run(["git", "-C", root, "diff", "--quiet", "HEAD", "--", "src"]).returncode
    else:
        rev = "unknown (not a git checkout)"
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20, 1),
        "kernel": platform.release(),
        "compiler": first_line(["c++", "--version"]),
        "sqlite3": first_line(["sqlite3", "--version"]).split(" ")[0],
        "git": rev + ("+dirty-src" if dirty else ""),
        "load_average_at_start": os.getloadavg()[0],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--maillage", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--records", type=int, required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--json", required=True)
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    db = os.path.join(a.work, "import.db")
    base_db = os.path.join(a.work, "sqlite3-import.db")
    info = machine()
    if info["load_average_at_start"] > 0.5 * info["cpus"]:
        print(f"warning: load average {info['load_average_at_start']:.1f} on {info['cpus']} CPUs: "
              "other work is running, numbers will be low and noisy.", file=sys.stderr)

    steps = []

    def step(name, cmd, what):
        print(f"  {name:9} {what} ...", file=sys.stderr, flush=True)
        seconds, rss, user, sys_s, out = run(cmd, os.path.join(a.work, f"{name}.log"))
        s = {"step": name, "what": what, "records": a.records, "seconds": round(seconds, 3),
             "records_per_s": round(a.records / seconds), "peak_rss_mib": round(rss, 1),
             "user_s": round(user, 2), "sys_s": round(sys_s, 2),
             # Records per second of CPU time (user + system): steadier than wall-clock time
             # on a shared machine, blind to waits on the disk.
             "cpu_records_per_s": round(a.records / max(user + sys_s, 1e-9)), "counts": counts(out)}
        steps.append(s)
        return s

    remove_db(db)
    step("import", [a.maillage, "import", "--db", db, a.csv], "maillage import into an empty database")
    steps[-1]["db_mib"] = round(db_size_mib(db), 1)
    step("reimport", [a.maillage, "import", "--db", db, a.csv], "maillage import again (all unchanged)")
    step("validate", [a.maillage, "validate", a.csv], "maillage validate (no store)")
    remove_db(base_db)
    step("baseline", ["sqlite3", base_db, f".import --csv {a.csv} places"],
         "sqlite3 .import --csv into a plain table")
    steps[-1]["db_mib"] = round(db_size_mib(base_db), 1)
    remove_db(base_db)

    baseline = steps[-1]["records_per_s"]
    for s in steps:
        s["ratio_to_target"] = round(s["records_per_s"] / TARGET_RECORDS_PER_S, 3)
        s["ratio_to_sqlite3_import"] = round(s["records_per_s"] / baseline, 3)

    imp = steps[0]["counts"]
    again = steps[1]["counts"]
    checks = {
        "all_read": imp.get("read") == a.records,
        "reimport_all_unchanged": again.get("added") == 0 and again.get("updated") == 0
                                  and again.get("unchanged") == imp.get("added"),
    }

    print()
    print(f"maillage import benchmark: {a.records:,} records, {os.path.getsize(a.csv) / 2**20:.0f} MiB "
          f"of standard v1 CSV ({os.path.basename(a.csv)})")
    print(f"machine: {info['cpu']}, {info['cpus']} CPUs, {info['memory_gib']} GiB; git {info['git']}; "
          f"load average at start {info['load_average_at_start']:.2f}")
    print()
    head = f"{'step':10}{'wall s':>9}{'records/s':>12}{'peak RSS':>11}{'user s':>9}{'sys s':>8}" \
           f"{'CPU rec/s':>11}" \
           f"{'/ 50k target':>14}{'/ sqlite3 .import':>19}"
    print(head)
    print("-" * len(head))
    for s in steps:
        print(f"{s['step']:10}{s['seconds']:9.1f}{s['records_per_s']:12,}{s['peak_rss_mib']:8.0f} MiB"
              f"{s['user_s']:9.1f}{s['sys_s']:8.1f}{s['cpu_records_per_s']:11,}{s['ratio_to_target']:13.2f}x"
              f"{s['ratio_to_sqlite3_import']:18.3f}x")
    print("records/s and the ratios use wall-clock time; CPU rec/s = records / (user + sys), the "
          "CPU time of all threads (the import writes on a second thread).")
    print()
    print(f"import counts: {imp}; reimport counts: {again}; validate counts: {steps[2]['counts']}")
    print(f"database after import: {steps[0].get('db_mib', 0):.0f} MiB "
          f"(sqlite3 .import table: {steps[3].get('db_mib', 0):.0f} MiB)")
    print(f"maillage / sqlite3 .import ratio (import): {steps[0]['ratio_to_sqlite3_import']:.3f}; "
          f"import vs target {TARGET_RECORDS_PER_S:,}/s: {steps[0]['ratio_to_target']:.2f}x")
    for name, ok in checks.items():
        if not ok:
            print(f"CHECK FAILED: {name}", file=sys.stderr)

    result = {
        "benchmark": "import",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "file": os.path.abspath(a.csv),
        "file_mib": round(os.path.getsize(a.csv) / 2**20, 1),
        "records": a.records,
        "target_records_per_s": TARGET_RECORDS_PER_S,
        "baseline": "sqlite3 .import --csv (SQLite shell, plain table, no validation)",
        "machine": info,
        "steps": steps,
        "checks": checks,
    }
    with open(a.json, "w") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"results: {a.json}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
