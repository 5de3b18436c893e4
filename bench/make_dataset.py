#!/usr/bin/env python3
"""Grows a standard v1 CSV of real places to N records for the import benchmark.

The input is maillage's own CSV export of real places (bench/run.sh makes it from the national
cartography snapshots). Its rows are written first, unchanged; then copies of them follow, each
with a new unique id ("<id>-b<copy>") and a few fields varied so that no two records share a
fingerprint: date_maj (a date between 2020-01-01 and 2024-05-31) and, when present, latitude and
longitude (moved by up to ~50 m, so the territory consistency checks still pass). Deterministic
(fixed random seed): the same input gives the same bytes.

Usage: make_dataset.py SEED.csv OUT.csv N
"""
import csv
import datetime
import random
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    seed_path, out_path, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(seed_path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, records = rows[0], rows[1:]
    if not records:
        sys.exit(f"{seed_path}: no record")
    col = {name: i for i, name in enumerate(header)}
    i_id, i_date = col["id"], col["date_maj"]
    i_lat, i_lon = col["latitude"], col["longitude"]
    rng = random.Random(20240601)
    first_day = datetime.date(2020, 1, 1).toordinal()
    last_day = datetime.date(2024, 5, 31).toordinal()

    with open(out_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        written = 0
        copy = 0
        while written < total:
            for r in records:
                if written == total:
                    break
                if copy:
                    r = list(r)
                    r[i_id] = f"{r[i_id]}-b{copy}"
                    r[i_date] = datetime.date.fromordinal(rng.randint(first_day, last_day)).isoformat()
                    for i in (i_lat, i_lon):
                        if r[i]:
                            r[i] = f"{float(r[i]) + rng.uniform(-0.0005, 0.0005):.6f}"
                w.writerow(r)
                written += 1
            copy += 1


if __name__ == "__main__":
    main()
