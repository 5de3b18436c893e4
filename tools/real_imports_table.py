#!/usr/bin/env python3
"""Prints tests/cases/real_imports.tsv from `maillage validate --report` on the real files.

Run it after a deliberate change of the validation rules, then READ the diff: every changed
count must be explained by the change (the table is the test's expectation, not its output).
"""
import collections, glob, json, os, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(root, "..", "shared")
files = sorted(glob.glob(os.path.join(shared, "data/cartographie-snapshots/*.json")))
files += [os.path.join(shared, "standard/exemple-valide.csv"),
          os.path.join(shared, "standard/exemple-valide-v0.1.1.csv")]
with tempfile.TemporaryDirectory() as tmp:
    report = os.path.join(tmp, "r.json")
    subprocess.run([os.path.join(root, "build/maillage"), "validate", "--report", report] + files,
                   check=True, stdout=subprocess.DEVNULL)
    data = json.load(open(report))
print("# Real files of ../shared and what importing them must give (see tools/real_imports_table.py).")
print("# file (relative to ../shared), read, accepted, rejected, accepted records with warnings,")
print("# rejections by rule (rule:count, '-' when none).")
for f in data["fichiers"]:
    rel = os.path.relpath(f["fichier"], shared)
    rules = collections.Counter(d["rule"] for d in f["diagnostics"] if d["severity"] == "erreur")
    rej = ",".join(f"{r}:{n}" for r, n in sorted(rules.items())) or "-"
    print("\t".join([rel, str(f["lus"]), str(f["ajoutes"]), str(f["rejetes"]),
                     str(f["lieux_avec_avertissements"]), rej]))
