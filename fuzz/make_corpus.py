#!/usr/bin/env python3
"""Regenerates the seed corpora of the fuzz targets under fuzz/corpus/<target>/.

Seeds are small real snippets from ../shared (the standard's examples, cartography snapshots,
the Brittany fablab GeoJSON, a few rows of a maillage CSV export) plus hand-made nasty cases:
truncated file, UTF-8 and UTF-16 BOMs, CRLF, Windows-1252 bytes, unterminated quote, a 100 KB
field, deep JSON nesting, binary garbage. The corpus stays under 300 KB in total.

Usage: fuzz/make_corpus.py [--shared ../shared] [--maillage build/maillage]
The --maillage binary (optional) is used to export real records in the standard v1 CSV.
"""
import argparse
import csv
import io
import json
import os
import random
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SNAPSHOTS = "data/cartographie-snapshots"


def write(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def read(shared, rel):
    with open(os.path.join(shared, rel), "rb") as f:
        return f.read()


def json_records(shared, name, n):
    with open(os.path.join(shared, SNAPSHOTS, name), encoding="utf-8") as f:
        return json.load(f)[:n]


def csv_rows(text, n):
    """Header + the first n records of a CSV text, re-serialised like the standard (all quoted)."""
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for r in rows[: n + 1]:
        w.writerow(r)
    return out.getvalue()


def exported_csv(maillage, shared):
    """Header + 3 rows of a real maillage CSV export of two snapshots, or None."""
    if not maillage or not os.path.exists(maillage):
        return None
    tmp = tempfile.mkdtemp(prefix="maillage-corpus-")
    try:
        db, out = os.path.join(tmp, "c.db"), os.path.join(tmp, "c.csv")
        snaps = [os.path.join(shared, SNAPSHOTS, s) for s in (
            "20231003-bus-france-services-en-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine.json",
            "20240320-nouvelle-caledonie-lieux-de-mediation-numeriques-nouvelle-caledonie.json")]
        subprocess.run([maillage, "import", "--db", db] + snaps, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([maillage, "export", "--db", db, "--format", "csv", "--out", out],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out, encoding="utf-8") as f:
            return csv_rows(f.read(), 3)
    finally:
        shutil.rmtree(tmp)


def csv_seeds(shared, maillage):
    valid = read(shared, "standard/exemple-valide.csv").decode("utf-8")
    legacy = read(shared, "standard/exemple-valide-v0.1.1.csv").decode("utf-8")
    seeds = {
        "exemple-valide.csv": valid,
        "exemple-valide-v0.1.1.csv": legacy,
        "truncated.csv": valid[: len(valid) * 2 // 3],
        "utf8-bom.csv": "\ufeff" + valid,
        "utf16le-bom.csv": b"\xff\xfe" + valid.encode("utf-16-le"),
        "utf16be-bom.csv": b"\xfe\xff" + legacy.encode("utf-16-be"),
        "crlf.csv": valid.replace("\n", "\r\n"),
        "cr-only.csv": legacy.replace("\n", "\r"),
        "windows-1252.csv": legacy.encode("cp1252", errors="replace"),
        "semicolon.csv": legacy.replace('","', '";"'),
        "tab.csv": valid.replace('","', '"\t"'),
        "unterminated-quote.csv": valid.rstrip("\n") + '\n"structure-2","0000,"Sans fin,Reims\n',
        "unterminated-header.csv": '"id,"nom\nx,y\n',
        "column-count.csv": "id,nom,commune,code_postal\n1,A,Paris\n2,B,Lyon,69001,extra,\n\n\n3\n",
        "duplicate-header.csv": "id,nom,ID,nom,code_postal\n1,A,2,B,75001\n1,A,2,B,75001\n",
        "quotes-inside.csv": 'id,nom\n"a""b",c"d"e\n"x"junk,"y\n"\n',
        "nul-byte.csv": b"id,nom\n1,\x00A\n",
        "only-header.csv": "id,pivot,nom\n",
        "blank.csv": " \r\n\t\n",
        "binary-garbage.bin": bytes(random.Random(42).randrange(256) for _ in range(768)),
    }
    # One 100 KB field: the normaliser drops values above 32 KB.
    big = "x" * (100 * 1024)
    lines = valid.split("\n")
    seeds["field-100k.csv"] = lines[0] + "\n" + lines[1].replace("Anonymal", big, 1) + "\n"
    exported = exported_csv(maillage, shared)
    if exported:
        seeds["export-v1.csv"] = exported
    for name, data in seeds.items():
        write("csv_reader_fuzz", name, data)


def json_seeds(shared):
    bus = json_records(shared, "20231003-bus-france-services-en-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine.json", 2)
    sud = json_records(shared, "20230517-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur.json", 2)
    nc = json_records(shared, "20240320-nouvelle-caledonie-lieux-de-mediation-numeriques-nouvelle-caledonie.json", 2)
    legacy = json_records(shared, "source.json", 2)
    fablab = json.loads(read(shared, "data/fablabs/map_bzh_fablab.geojson").decode("utf-8"))
    features = fablab["features"][:3]
    geo = {"type": "FeatureCollection", "features": features}
    dumps = lambda v: json.dumps(v, ensure_ascii=False, indent=1)
    # A first byte that is even and a document start: read as is (see json_reader_fuzz.cpp).
    doc = lambda v: "\n" + dumps(v)
    # A first byte that is odd ('{'): wrapped into a FeatureCollection by the target.
    fragment = ",".join(json.dumps(f, ensure_ascii=False) for f in features) + "]}"
    array = doc(bus)
    seeds = {
        "bus-france-services.json": array,
        "hub-du-sud.json": doc(sud),
        "nouvelle-caledonie.json": doc(nc),
        "source-v0.1.json": doc(legacy),
        "fablab.geojson": doc(geo),
        "fablab-features.fragment": fragment,
        # Even first byte, not a document: the target prepends '['.
        "array-elements.fragment": "\t" + ",".join(json.dumps(r, ensure_ascii=False) for r in sud) + "]",
        "truncated.json": array[: len(array) // 2],
        "utf8-bom.json": "\ufeff" + array,
        "utf16le-bom.json": b"\xff\xfe" + array.encode("utf-16-le"),
        "windows-1252-strings.json": ("\n" + json.dumps(bus, ensure_ascii=False)).encode("cp1252", errors="replace"),
        "deep-array.json": "\n[" + "[" * 8000 + "]" * 8000 + "]",
        "deep-object.json": "\n[" + '{"a":' * 600 + "1" + "}" * 600 + ',{"id":"2"}]',
        "deep-geometry.fragment": '{"type":"Feature","properties":{"id":"1","nom":"N"},"geometry":'
                                  + '{"g":' * 500 + "0" + "}" * 500 + "}]}",
        "scalars.json": '\n[1,"x",null,true,[],{"id":1e999,"latitude":-0,"longitude":1e-320,'
                        '"nom":["a",["b",{"c":null}]],"code_postal":75001,"pivot":12345678901234567890}]',
        "escapes.json": '\n[{"id":"\\u00e9\\ud83d\\ude00\\ud800","nom":"a\\"b\\\\","commune":"\\u0000"}]',
        "unterminated-string.json": '\n[{"id":"1","nom":"sans fin}]',
        "missing-comma.json": '\n[{"id":"1"} {"id":"2"}]',
        "geojson-no-features.json": '\n{"type":"FeatureCollection","crs":{"a":[1,2]},"feature":[]}',
        "geometry-odd.fragment": '{"type":"Feature","properties":{"id":"1","latitude":"x"},'
                                 '"geometry":{"type":"Point","coordinates":[1e400,"a",3]}},'
                                 '{"type":"Feature","properties":[],"geometry":null}]}',
        "binary-garbage.bin": b"\x02" + bytes(random.Random(7).randrange(256) for _ in range(512)),
    }
    for name, data in seeds.items():
        write("json_reader_fuzz", name, data)


def import_seeds(shared, maillage):
    valid = read(shared, "standard/exemple-valide.csv").decode("utf-8")
    legacy = read(shared, "standard/exemple-valide-v0.1.1.csv").decode("utf-8")
    bus = json_records(shared, "20231003-bus-france-services-en-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine.json", 3)
    fablab = json.loads(read(shared, "data/fablabs/map_bzh_fablab.geojson").decode("utf-8"))
    lines = valid.rstrip("\n").split("\n")
    seeds = {
        "exemple-valide.csv": valid,
        "exemple-valide-v0.1.1.csv": legacy,
        "bus-france-services.json": json.dumps(bus, ensure_ascii=False, indent=1),
        "fablab.geojson": json.dumps({"type": "FeatureCollection", "features": fablab["features"][:2]},
                                     ensure_ascii=False),
        "duplicate-ids.csv": "\n".join([lines[0], lines[1], lines[1].replace("Anonymal", "Autre")]) + "\n",
        "crlf-bom.csv": "\ufeff" + valid.replace("\n", "\r\n"),
        "windows-1252.csv": legacy.encode("cp1252", errors="replace"),
        "truncated.csv": valid[: len(valid) // 2],
        "utf16le-bom.json": b"\xff\xfe" + json.dumps(bus[:1], ensure_ascii=False).encode("utf-16-le"),
        "binary-garbage.bin": bytes(random.Random(3).randrange(256) for _ in range(256)),
    }
    exported = exported_csv(maillage, shared)
    if exported:
        seeds["export-v1.csv"] = exported
    for name, data in seeds.items():
        write("import_fuzz", name, data)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    p.add_argument("--maillage", default=os.path.join(ROOT, "build", "maillage"))
    a = p.parse_args()
    for t in ("csv_reader_fuzz", "json_reader_fuzz", "import_fuzz"):
        shutil.rmtree(os.path.join(HERE, "corpus", t), ignore_errors=True)
    csv_seeds(a.shared, a.maillage)
    json_seeds(a.shared)
    import_seeds(a.shared, a.maillage)


if __name__ == "__main__":
    main()
