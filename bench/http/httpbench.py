#!/usr/bin/env python3
"""Helpers of bench/http/run.sh (`make bench-http`).

  httpbench.py targets --base URL --work DIR   checks the server's data, writes the paths wrk asks
  httpbench.py report --work DIR --json FILE   the table of the wrk runs, and FILE
"""
import argparse
import json
import os
import platform
import random
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

MIN_PLACES = 10000  # the bundled data set has about 21,800 places
SEARCH_QUERY = "numerique"


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as r:
        return r.status, r.read()


def targets(args):
    """Writes targets.json (the place of the API search's first result, the server's health)
    and the rotated path lists: one place page per place, one search page (and its API query)
    per commune (INSEE code)."""
    _, body = get(args.base, "/api/v1/sante")
    health = json.loads(body)
    if health.get("lieux", 0) <= MIN_PLACES:
        sys.exit(f"httpbench.py: the server has {health.get('lieux')} places, not the bundled "
                 f"data set (more than {MIN_PLACES})")
    _, body = get(args.base, f"/api/v1/lieux?q={SEARCH_QUERY}&limite=20")
    first_id = json.loads(body)["resultats"][0]["id"]

    # Every place the API lists, a thousand at a time.
    ids, communes, cursor = [], set(), None
    while True:
        path = "/api/v1/lieux?limite=1000"
        if cursor:
            path += "&curseur=" + urllib.parse.quote(cursor, safe="")
        page = json.loads(get(args.base, path)[1])
        for p in page["resultats"]:
            ids.append(p["id"])
            if p.get("code_insee"):
                communes.add(p["code_insee"])
        cursor = page.get("curseur_suivant")
        if not cursor or not page["resultats"]:
            break
    rng = random.Random(19)  # the same order every run
    place_paths = ["/lieux/" + urllib.parse.quote(i, safe="") for i in ids]
    communes = sorted(communes)
    rng.shuffle(place_paths)
    rng.shuffle(communes)
    communes = [urllib.parse.quote(c, safe="") for c in communes]
    # The API asked what the search page computes: the page searches with naturel=oui.
    lists = {"place_paths": place_paths,
             "search_paths": [f"/recherche?q={SEARCH_QUERY}&autour={c}" for c in communes],
             "api_paths": [f"/api/v1/lieux?q={SEARCH_QUERY}&autour={c}&limite=20&naturel=oui"
                           for c in communes]}
    for name, paths in lists.items():
        with open(os.path.join(args.work, name.replace("_", "-") + ".txt"), "w") as f:
            f.write("\n".join(paths) + "\n")
    # A sample of each list must answer 200 (otherwise wrk would time error pages): the end of
    # the lists, which the runs reach last if ever (this puts the pages in the cache).
    sample = {}
    for name, paths in lists.items():
        ok = 0
        for p in paths[-20:]:
            try:
                ok += get(args.base, p)[0] == 200
            except urllib.error.HTTPError:
                pass
        sample[name] = f"{ok}/{min(20, len(paths))}"
    info = {"health": health, "first_place_id": first_id, "places_listed": len(ids),
            "communes": len(communes), "sample_200": sample}
    with open(os.path.join(args.work, "targets.json"), "w") as f:
        json.dump(info, f, indent=2)
    print("/lieux/" + urllib.parse.quote(first_id, safe=""))


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_wrk(text):
    r = {}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", text):
        r["requests_per_s"] = float(m.group(1))
    for pct in ("50", "99"):
        if m := re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M):
            r[f"p{pct}_ms"] = ms(m.group(1))
    if m := re.search(r"(\d+) requests in ([\d.]+\w+), (\S+) read", text):
        r["requests"], r["duration"], r["read"] = int(m.group(1)), m.group(2), m.group(3)
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        r["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: (.*)", text):
        r["socket_errors"] = m.group(1).strip()
    return r


def report(args):
    meta = {}
    with open(os.path.join(args.work, "meta.txt")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(" ")
            meta[k] = v
    hz = int(meta.get("clock_ticks", 100))
    cpus = os.cpu_count()
    runs = []
    with open(os.path.join(args.work, "runs.tsv")) as f:
        for line in f:
            name, what, urls, server_ticks, busy_ticks, wrk_cpu = line.rstrip("\n").split("\t")
            with open(os.path.join(args.work, f"wrk-{name}.txt")) as w:
                r = {"name": name, "what": what, "urls": int(urls), **parse_wrk(w.read())}
            r["server_cpu_s"] = int(server_ticks) / hz
            r["machine_cpu_s"] = int(busy_ticks) / hz
            try:
                r["wrk_cpu_s"] = round(sum(float(x) for x in wrk_cpu.split()), 2)
            except ValueError:
                r["wrk_cpu_s"] = None
            seconds = (ms(r["duration"]) or 0) / 1e3 if "duration" in r else 0
            if r.get("requests"):
                r["server_cpu_ms_per_request"] = round(r["server_cpu_s"] * 1e3 / r["requests"], 4)
            if seconds and r["wrk_cpu_s"] is not None:
                # CPU that neither the server nor wrk used: other processes on the machine.
                other = r["machine_cpu_s"] - r["server_cpu_s"] - r["wrk_cpu_s"]
                r["other_cpu_percent"] = round(max(0.0, other) * 100 / (seconds * cpus), 1)
            runs.append(r)
    base = next((r.get("requests_per_s") for r in runs if r["name"] == "api"), None)
    for r in runs:
        if base and r.get("requests_per_s") is not None:
            r["ratio_to_api"] = round(r["requests_per_s"] / base, 3)

    def cell(v, fmt):
        return "" if v is None else fmt.format(v)

    lines = ["| name | what | requests/s | p50 ms | p99 ms | pages/API | server CPU ms/request "
             "| notes |",
             "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        notes = []
        if r.get("non_2xx"):
            notes.append(f"{r['non_2xx']} non-2xx")
        if r.get("socket_errors"):
            notes.append("socket errors: " + r["socket_errors"])
        if r["urls"] > 1 and "requests" in r:
            # Under one pass, no URL was asked twice: every request was computed.
            notes.append(f"{r['requests'] / r['urls']:.2f} passes over the URLs")
        if (r.get("other_cpu_percent") or 0) >= 5:
            notes.append(f"other processes: {r['other_cpu_percent']:.0f} % of the CPUs")
        if "requests_per_s" not in r:
            notes.append("no result (see wrk-%s.txt)" % r["name"])
        lines.append("| " + " | ".join([
            r["name"], r["what"], cell(r.get("requests_per_s"), "{:,.0f}"),
            cell(r.get("p50_ms"), "{:.2f}"), cell(r.get("p99_ms"), "{:.2f}"),
            cell(r.get("ratio_to_api"), "{:.2f}"),
            cell(r.get("server_cpu_ms_per_request"), "{:.3f}"), "; ".join(notes)]) + " |")
    print("\n".join(lines))

    with open(os.path.join(args.work, "targets.json")) as f:
        info = json.load(f)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor())
    out = {"machine": {"cpus": cpus, "cpu": cpu}, "meta": meta, "targets": info,
           "runs": runs}
    with open(args.json, "w") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("targets")
    t.add_argument("--base", required=True)
    t.add_argument("--work", required=True)
    r = sub.add_parser("report")
    r.add_argument("--work", required=True)
    r.add_argument("--json", required=True)
    args = ap.parse_args()
    {"targets": targets, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
