#!/usr/bin/env python3
"""Writes docs/validation.md from tests/cases/invalid_records.tsv (one example per rule)."""
import os

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(root, 'tests/cases/invalid_records.tsv'), encoding='utf-8')
        if l.strip() and not l.startswith('#')]
out = """# Validation rules

Every diagnostic of `maillage import` / `maillage validate` carries a stable rule code, the
file, the line where the record starts, the record's `id`, the field, the value and a French
message. Three severities:

- **erreur** — a required field is missing or broken, or the record cannot be read: the record is
  rejected (nothing of it is stored).
- **avertissement** — an optional field, or some values of a multi-valued field, break a rule:
  they are left out of the normalised record (or, for territory checks, the inconsistency is
  reported and the most certain reading kept). The raw record is stored verbatim anyway.
- **remarque** — a certain correction was made (padded code, international phone number,
  folded spelling of a listed value, deduced INSEE code…), or a column is not used.

No value is changed or dropped silently: every correction is a remarque, every value left out
an avertissement, each naming the field, the value read and what was kept. In particular the
v0.1 vocabulary (services, publics accueillis, conditions d'accès, labels nationaux, modalités
d'accompagnement) is converted to v1 by the table of `src/place/vocabulary.cpp`, each value
with a remarque `<champ>.v0_1`; a v0.1 value with no v1 meaning ("Adultes") is left out with
an avertissement `<champ>.sans_equivalent`. Values separated by `;` or `,` in a v1 file
(`<champ>.separateur`), a decimal comma (`latitude.virgule`), a lower-case code
(`typologie.corrige`) and HTML in a text (`champ.html`: tags removed, `<br>` and paragraph ends
read as a line break in `presentation_detail` and as « . » elsewhere, entities such as `&nbsp;`
decoded, spaces collapsed) are reported the same way.

Two rules need a mapping profile and have no case here: `date_maj.inconnue` (remarque: the
profile says the source gives no date, `defaut = "inconnue"`; the date is unknown, see
`docs/federation.md`) and the `profil.*` rules of `docs/federation.md`.

Each rule below has a case in `tests/cases/invalid_records.tsv` (the example given here); this
page is generated from it by `tools/gen_validation_doc.py`.

| rule | severity | example |
|---|---|---|
""".splitlines()
seen = set()
for r in rows:
    if r[3] in seen:
        continue
    seen.add(r[3])
    sev = {'rejet': 'erreur', 'avertissement': 'avertissement', 'remarque': 'remarque', 'accepte': '(accepté)'}[r[1]]
    ex = ' ; '.join(c for c in r[4:] if not c.startswith('=>')).replace('|', '\\|')
    if len(ex) > 70:
        ex = ex[:70] + '…'
    out.append(f"| `{r[3]}` | {sev} | {r[0]} (`{ex}`) |")
out += ["", "Rules of the readers (structure of the file):", "", "| rule | severity | meaning |", "|---|---|---|"]
for code, sev, m in [("csv.guillemet", "erreur", "a quote is never closed: the rest of the file cannot be read"),
                     ("csv.colonnes", "avertissement", "a row has more or fewer values than the header"),
                     ("csv.entete_doublon", "avertissement", "a column name appears twice"),
                     ("json.structure", "erreur", "the JSON text is truncated or broken: the rest is ignored"),
                     ("json.element", "erreur", "one element is not valid JSON: it is skipped"),
                     ("json.objet", "erreur", "one element is not an object"),
                     ("geojson.feature", "erreur", "one element is not a Feature with properties")]:
    out.append(f"| `{code}` | {sev} | {m} |")
out += ["", "A file that cannot be read at all (missing, empty, binary, a JSON object that is not a",
        "FeatureCollection) is a fatal error: `import` exits 1 and the other files are still imported."]
open(os.path.join(root, 'docs/validation.md'), 'w', encoding='utf-8').write('\n'.join(out) + '\n')
