#!/usr/bin/env python3
"""Prints tests/cases/profile_imports.tsv, or with --readme rewrites the per-source table of data/README.md,
from `maillage validate --profile` on every source file of ../shared/data.

Run it after a deliberate change of a profile or of the validation rules, then READ the diff: every
changed count must be explained by the change (the table is the test's expectation, not its output).
The list of (profile, files) below is the one place that says which profile reads which file;
tests/profile_imports_test.cpp checks that no data file of ../shared/data is left out.
"""
import collections, glob, json, os, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.normpath(os.path.join(root, "..", "shared"))
data = os.path.join(shared, "data")

def g(pattern):
    return sorted(glob.glob(os.path.join(data, pattern)))

SOURCES = [
    ("france-services", g("france-services/liste-fs-*.csv")),
    ("bibliotheques", g("bibliotheques/*.csv")),
    ("fablabs-bretagne", g("fablabs/*.geojson")),
    ("hub-mednum-bfc", g("hubs-2022-2023/mednum-bfc-ternum-dataset.csv")),
    ("hub-rhinocc", g("hubs-2022-2023/rhinocc-occitanie-inclusion-dataset-geocoded.csv")),
    ("inclusion-numerique-2020-combine", g("aidants-connect-carto-2020/all_transformed_combined.csv")),
    ("inclusion-numerique-2020", g("aidants-connect-carto-2020/transformed/*.csv")),
    ("france-services-2020", g("aidants-connect-carto-2020/france_services_cget-carto_2020.geojson")),
    ("nantes-pratiques-numeriques", g("aidants-connect-carto-2020/raw_villes/nantes-*.csv")),
    ("lille-tiers-lieux", g("aidants-connect-carto-2020/raw_villes/lille-*.csv")),
    ("nice-cyber-espaces", g("aidants-connect-carto-2020/raw_villes/nice-*.csv")),
]
for d in sorted(os.listdir(os.path.join(data, "mednum-cli-inputs"))):
    f = os.path.join(data, "mednum-cli-inputs", d, d + ".json")
    if os.path.exists(f):
        SOURCES.append(("mednum-" + d, [f]))

def run():
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for profile, files in SOURCES:
            report = os.path.join(tmp, "r.json")
            subprocess.run([os.path.join(root, "build/maillage"), "validate", "--profile", profile,
                            "--report", report] + files, check=True, stdout=subprocess.DEVNULL)
            for f in json.load(open(report))["fichiers"]:
                out.append((profile, f))
    return out

def rejections(f):
    rules = collections.Counter(d["rule"] for d in f["diagnostics"] if d["severity"] == "erreur")
    return ",".join(f"{r}:{n}" for r, n in sorted(rules.items())) or "-"

def main():
    results = run()
    if "--readme" in sys.argv:
        lines = ["| profile | file | read | accepted | rejected | warnings (places) | rejections by rule |",
                 "|---|---|---|---|---|---|---|"]
        for profile, f in results:
            rel = os.path.relpath(f["fichier"], data)
            lines.append(f"| `{profile}` | {rel} | {f['lus']} | {f['ajoutes']} | {f['rejetes']} | "
                         f"{f['avertissements']} ({f['lieux_avec_avertissements']}) | "
                         f"{rejections(f).replace(',', ', ')} |")
        t = [sum(f[k] for _, f in results) for k in ("lus", "ajoutes", "rejetes", "avertissements")]
        lines.append(f"| **total** | {len(results)} files | {t[0]} | {t[1]} | {t[2]} | {t[3]} | |")
        # Rewrites the table between the markers of data/README.md.
        readme = os.path.join(root, "data", "README.md")
        text = open(readme, encoding="utf-8").read()
        begin, end = "<!-- profile_imports_table.py: begin -->", "<!-- profile_imports_table.py: end -->"
        head, rest = text.split(begin)
        _, tail = rest.split(end)
        open(readme, "w", encoding="utf-8").write(head + begin + "\n" + "\n".join(lines) + "\n" + end + tail)
        return
    print("# Every source file of ../shared/data read through its mapping profile, and what it must give")
    print("# (see tools/profile_imports_table.py). profile, file (relative to ../shared), read, accepted,")
    print("# rejected, warnings (diagnostics), accepted records with warnings, rejections by rule.")
    for profile, f in results:
        rel = os.path.relpath(f["fichier"], shared)
        print("\t".join([profile, rel, str(f["lus"]), str(f["ajoutes"]), str(f["rejetes"]),
                         str(f["avertissements"]), str(f["lieux_avec_avertissements"]), rejections(f)]))

main()
