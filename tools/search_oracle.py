#!/usr/bin/python3
"""Independent oracle for tests/cases/search_queries.tsv.

Computes, for each case of the table, the expected total, the first public ids and the facet
counts of GET /api/v1/lieux over the bundled places, without any code of src/search: it reads
the normalised places from a maillage store (what the index is built from) and applies the API
contract of issue 4 with plain Python (brute force over the 2,415 places):

- filters: a place matches a field when one of its `|`-separated values is one of the asked
  values (OR); fields are AND-ed; departement/region come from the commune of code_insee in
  data/territoire/communes.tsv; source is the import source (the file name);
- geo: haversine distance (radius 6371.0088 km) to the place, or to its commune's centroid
  when the place has no coordinates (approx_lat/approx_lon of the store); bbox inclusive;
  autour= resolves to the most populated commune whose name starts with the text, or to the
  most populated commune of a postal code;
- text: words split on anything but letters and digits, folded (case, accents, œ, ’), French
  stop words dropped (unless the query has only stop words), Snowball French stems; a word
  matches a place exactly, by stem, by prefix (last word only) or within 1 edit (4+ letters) /
  2 edits (8+ letters, Damerau-Levenshtein, optimal string alignment) in the name, labels
  (services, programmes, formations, typologie), place (commune, adresse) or free text
  (presentation); every word must match;
- relevance: per word, the best kind (exact 4 > stem 3 > prefix 2 > typo 1) and the best
  field class at that kind (name 4, label 2, place 2, text 1), summed; then distance to the
  point (when given), then folded name (when no point), then public id;
- tri=nom: folded name then public id; tri=date_maj: newest first then public id;
  tri=distance: nearest first (places without a position last) then public id;
- facettes: disjunctive counts (a field's own filter is left out of its counts), zero counts
  omitted.

Usage (from the repository root, with a build):
    build/maillage import --db /tmp/oracle.db data/lieux/*.json
    tools/search_oracle.py --db /tmp/oracle.db tests/cases/search_queries.tsv          # check
    tools/search_oracle.py --db /tmp/oracle.db --write tests/cases/search_queries.tsv  # fill
Needs python3-snowballstemmer (Debian package; the same Snowball 2.2 as libstemmer).
ouvert_le, ouvert=maintenant and ouvert_jour: the places open at that wall time, instant or day
come from tools/open_now_oracle.mjs (node, the npm package opening_hours); "now" is the instant
of the case's `_maintenant=YYYY-MM-DDTHH:MMZ` (a pseudo-parameter of the table, UTC, that the
test runner sets as Query::now). ouvert_jour days are OR-ed, and AND-ed with ouvert/ouvert_le;
facettes=ouvert counts the places open now ("maintenant"), facettes=ouvert_jour those open on
each day, both without their own filter. Cases whose `error` column is set are left as they are.
"""
import argparse
import json
import math
import re
import sqlite3
import subprocess
import sys
import unicodedata
import urllib.parse
from pathlib import Path

import snowballstemmer

ROOT = Path(__file__).resolve().parent.parent
STEMMER = snowballstemmer.stemmer("french")
STOP_WORDS = set("""a au aux avec c ce ces d dans de des du elle en et eux il j je l la le les
leur lui m ma mais me mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses
son sur t ta te tes toi ton tu un une vos votre vous y""".split())
FILTER_FIELDS = ["services", "publics_specifiquement_adresses", "prise_en_charge_specifique",
                 "frais_a_charge", "modalites_acces", "modalites_accompagnement",
                 "dispositif_programmes_nationaux", "formations_labels", "itinerance",
                 "typologie", "source", "code_insee", "code_postal", "departement", "region"]
NAME, LABEL, PLACE, TEXT = 0, 1, 2, 3
CLASS_WEIGHT = {NAME: 4, LABEL: 2, PLACE: 2, TEXT: 1}
TEXT_FIELDS = [("nom", NAME), ("commune", PLACE), ("adresse", PLACE), ("services", LABEL),
               ("dispositif_programmes_nationaux", LABEL), ("formations_labels", LABEL),
               ("autres_formations_labels", LABEL), ("presentation_resume", TEXT),
               ("presentation_detail", TEXT)]
TOP = 5


def fold(s):
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn":
            continue
        ch = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "’": "'", "‘": "'",
              "ʼ": "'", "´": "'", "`": "'"}.get(ch, ch)
        if ch in "\u2010\u2011\u2012\u2013\u2014":
            ch = "-"
        out.append(ch.casefold())
    return " ".join("".join(out).split())


def fold_key(s):
    return " ".join("".join(c if is_word_char(c) else " " for c in fold(s)).split())


def is_word_char(c):
    cat = unicodedata.category(c)
    return cat.startswith("L") or cat == "Nd" or unicodedata.combining(c) != 0


def tokens(text):
    """(folded, stem, stop) for each word."""
    out, word = [], []
    for c in text + " ":
        if is_word_char(c):
            word.append(c)
            continue
        if word:
            w = "".join(word)
            f = fold(w)
            if f:
                stop = f in STOP_WORDS
                out.append((f, f if stop else fold(STEMMER.stemWord(w.lower())), stop))
            word = []
    return out


def osa(a, b, limit):
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def haversine(lat1, lon1, lat2, lon2):
    k = math.pi / 180
    dlat, dlon = (lat2 - lat1) * k, (lon2 - lon1) * k
    a = math.sin(dlat / 2) ** 2 + math.cos(lat1 * k) * math.cos(lat2 * k) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


class Territory:
    def __init__(self):
        self.by_insee, self.communes = {}, []
        with open(ROOT / "data/territoire/communes.tsv", encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                c = dict(zip(header, line.rstrip("\n").split("\t")))
                c["population"] = int(c["population"]) if c["population"] else -1
                self.communes.append(c)
                # A code shared by a commune and its délégués designates the commune.
                if c["code_insee"] not in self.by_insee or c["type"] == "commune":
                    self.by_insee[c["code_insee"]] = c

    def autour(self, text):
        if text.isdigit() and len(text) == 5:
            found = [c for c in self.communes if text in c["codes_postaux"].split("|")]
            rank = {"commune": 0, "arrondissement": 1, "commune_deleguee": 2, "commune_associee": 3}
            found.sort(key=lambda c: (rank.get(c["type"], 4), -c["population"]))
        else:
            key = fold_key(text)
            found = [c for c in self.communes if fold_key(c["nom"]).startswith(key)]
            found.sort(key=lambda c: -c["population"])
        return (float(found[0]["latitude"]), float(found[0]["longitude"])) if found else None


class Place:
    def __init__(self, source, rid, record, approx, territory, typologies):
        self.source, self.id, self.p = source, rid, json.loads(record)
        lat, lon = self.p.get("latitude"), self.p.get("longitude")
        self.pos = (float(lat), float(lon)) if lat is not None and lon is not None else approx
        self.name_key = fold(self.p["nom"]).encode()
        commune = territory.by_insee.get(self.p.get("code_insee", ""))
        self.values = {}
        for field in FILTER_FIELDS:
            if field == "source":
                v = [source]
            elif field in ("departement", "region"):
                v = [commune[field]] if commune and commune[field] else []
            else:
                v = [x for x in str(self.p.get(field, "")).split("|") if x]
            self.values[field] = set(v)
        self.terms = {}  # folded term -> set of classes
        self.stems = {}
        texts = [(str(self.p[f]), c) for f, c in TEXT_FIELDS if self.p.get(f)]
        for code in self.values["typologie"]:
            if code in typologies:
                texts += [(typologies[code], LABEL), (code, LABEL)]
        for text, cls in texts:
            for f, s, stop in tokens(text):
                if not stop:
                    self.terms.setdefault(f, set()).add(cls)
                    self.stems.setdefault(s, set()).add(cls)


def load(db_path):
    territory = Territory()
    typologies = {}
    with open(ROOT / "data/standard/typologies.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            code, label = line.rstrip("\n").split("\t")[:2]
            typologies[code] = label
    db = sqlite3.connect(db_path)
    # Store schema 2: places.record is '' when the record is the one of its last change.
    rows = db.execute("SELECT p.source, p.id, CASE WHEN p.record = '' THEN c.record ELSE p.record END, "
                      "p.approx_lat, p.approx_lon FROM places p LEFT JOIN change_log c ON c.seq = p.last_seq "
                      "WHERE p.status = 'actif' ORDER BY p.pk").fetchall()
    places = [Place(s, i, r, (a, b) if a is not None else None, territory, typologies)
              for s, i, r, a, b in rows]
    count = {}
    for p in places:
        count[p.id] = count.get(p.id, 0) + 1
    for p in places:
        p.public_id = f"{p.source}:{p.id}" if count[p.id] > 1 else p.id
    vocabulary = sorted({t for p in places for t in p.terms}, key=lambda t: t.encode())
    return territory, places, vocabulary


def closed_values():
    """The closed lists of the standard, from the patterns of its table schema."""
    schema = json.loads((ROOT / "data/standard/schema-v1.0.2.json").read_text(encoding="utf-8"))
    out = {}
    for field in schema["fields"]:
        m = re.fullmatch(r"\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$",
                         field.get("constraints", {}).get("pattern", ""))
        if m:
            out[field["name"]] = [v.replace("\\(", "(").replace("\\)", ")")
                                  for v in m.group(1).split("|")]
    return out


def word_hits(word, is_last, places, vocabulary):
    """For each place index: the best (kind weight, class weight) of this query word."""
    folded, stem, _ = word
    prefix_terms = set()
    if is_last:
        n = 0
        for t in vocabulary:  # the index stops after 500 dictionary entries with the prefix
            if t.startswith(folded):
                n += 1
                if n > 500:
                    break
                if t != folded:
                    prefix_terms.add(t)
    n = len(folded)
    max_typos = 2 if n >= 8 else 1 if n >= 4 else 0
    typo_terms = {t for t in vocabulary if t != folded and max_typos > 0
                  and osa(folded, t, max_typos) <= max_typos} if max_typos else set()
    out = {}
    for i, p in enumerate(places):
        kinds = [(4, p.terms.get(folded, set())), (3, p.stems.get(stem, set())),
                 (2, set().union(*(p.terms[t] for t in prefix_terms if t in p.terms))),
                 (1, set().union(*(p.terms[t] for t in typo_terms if t in p.terms)))]
        for weight, classes in kinds:
            if classes:
                out[i] = (weight, max(CLASS_WEIGHT[c] for c in classes))
                break
    return out


_OPEN = {}


DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def open_ids(places, wall):
    """Public ids of the places open at this spec (a wall time, @instant or day@instant), by
    tools/open_now_oracle.mjs."""
    if wall not in _OPEN:
        data = [{"id": p.public_id, "horaires": p.p.get("horaires", ""),
                 "code_insee": p.p.get("code_insee", ""),
                 "lat": p.pos[0] if p.pos else None, "lon": p.pos[1] if p.pos else None}
                for p in places if p.p.get("horaires")]
        out = subprocess.run(["node", str(ROOT / "tools/open_now_oracle.mjs"), wall],
                             input=json.dumps(data), capture_output=True, text=True, check=True)
        _OPEN[wall] = set(json.loads(out.stdout)[wall])
    return _OPEN[wall]


def evaluate(query, ctx):
    territory, places, vocabulary, enums = ctx
    params = urllib.parse.parse_qsl(query, keep_blank_values=True)
    filters, point, radius, bbox, sort, limit, facets, text = {}, None, None, None, "pertinence", 20, [], ""
    open_at, now, days = None, None, set()
    for name, value in params:
        if name in FILTER_FIELDS:
            for v in (x.strip() for x in value.split("|")):
                if not v:
                    continue
                if name in enums:  # canonical spelling of a closed-list value
                    v = next((e for e in enums[name] if fold_key(e) == fold_key(v)), v)
                filters.setdefault(name, set()).add(v)
        elif name == "q":
            text = value.strip()
        elif name in ("lat", "lon"):
            point = (float(dict(params)["lat"]), float(dict(params)["lon"]))
        elif name == "autour":
            point = territory.autour(value.strip())
        elif name == "rayon_km":
            radius = float(value)
        elif name == "bbox":
            bbox = [float(x) for x in value.split(",")]
        elif name == "tri":
            sort = value
        elif name == "limite":
            limit = int(value)
        elif name == "facettes":
            facets = [f.strip() for f in value.split(",") if f.strip()]
        elif name == "ouvert_le":
            open_at = value
        elif name == "ouvert":
            open_at = "maintenant"
        elif name == "ouvert_jour":
            days |= {d.strip().lower() for d in value.split("|") if d.strip()}
        elif name == "_maintenant":
            now = value
    if (open_at == "maintenant" or days or "ouvert" in facets or "ouvert_jour" in facets) and not now:
        raise SystemExit(f"{query}: ouvert=maintenant, ouvert_jour and their facets need _maintenant=")
    if open_at == "maintenant":
        open_at = "@" + now

    def open_on(day_set):
        return set().union(*(open_ids(places, f"{d}@{now}") for d in day_set))

    ids = range(len(places))
    context = set(ids)
    dist = {}
    if point:
        for i, p in enumerate(places):
            if p.pos:
                dist[i] = haversine(point[0], point[1], p.pos[0], p.pos[1])
    if radius is not None:
        context &= {i for i in dist if dist[i] <= radius}
    if bbox:
        context &= {i for i, p in enumerate(places) if p.pos and bbox[1] <= p.pos[0] <= bbox[3]
                    and bbox[0] <= p.pos[1] <= bbox[2]}
    # The opening filters apart from the rest, for their facets.
    open_filters = {}
    if open_at:
        is_open = open_ids(places, open_at)
        open_filters["ouvert"] = {i for i in ids if places[i].public_id in is_open}
    if days:
        is_open = open_on(days)
        open_filters["ouvert_jour"] = {i for i in ids if places[i].public_id in is_open}
    base_context = set(context)
    for allowed in open_filters.values():
        context &= allowed
    scores = {i: [0, 0] for i in ids}
    if text:
        words = tokens(text)
        all_stop = all(w[2] for w in words)
        for k, w in enumerate(words):
            if w[2] and not all_stop:
                continue
            hits = word_hits(w, k + 1 == len(words), places, vocabulary)
            context &= set(hits)
            base_context &= set(hits)
            for i, (kind, cls) in hits.items():
                scores[i][0] += kind
                scores[i][1] += cls

    def passes(i, except_field=None):
        return all(field == except_field or places[i].values[field] & values
                   for field, values in filters.items())

    matches = [i for i in context if passes(i)]
    facet_counts = {}
    for field in facets:
        counts = {}
        if field in ("ouvert", "ouvert_jour"):
            base = {i for i in base_context if passes(i)}
            for other, allowed in open_filters.items():
                if other != field:
                    base &= allowed
            values = {"maintenant": {"@" + now}} if field == "ouvert" else {d: {f"{d}@{now}"} for d in DAYS}
            for value, specs in values.items():
                is_open = set().union(*(open_ids(places, s) for s in specs))
                n = sum(1 for i in base if places[i].public_id in is_open)
                if n:
                    counts[value] = n
            facet_counts[field] = counts
            continue
        for i in context:
            if passes(i, field):
                for v in places[i].values[field]:
                    counts[v] = counts.get(v, 0) + 1
        facet_counts[field] = counts

    def key(i):
        p = places[i]
        d = dist.get(i, 1e9) if point else 0
        if sort == "nom":
            return (0, 0, 0, p.name_key, p.public_id.encode())
        if sort == "date_maj":
            desc = bytes(57 - c + 48 if 48 <= c <= 57 else c for c in p.p.get("date_maj", "").encode())
            return (0, 0, 0, desc, p.public_id.encode())
        if sort == "distance":
            return (0, 0, d, b"", p.public_id.encode())
        return (-scores[i][0], -scores[i][1], d, b"" if point else p.name_key, p.public_id.encode())

    matches.sort(key=key)
    shown = len(matches) if "curseur=*" in query else limit  # one page, or every page
    return len(matches), [places[i].public_id for i in matches[:shown]], facet_counts, dist, radius


def format_facets(facets):
    parts = []
    for field, counts in facets.items():
        for value, n in sorted(counts.items(), key=lambda kv: kv[0].encode()):
            parts.append(f"{field}={value}:{n}")
    return ";".join(parts) if parts else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--write", action="store_true", help="rewrite the expected columns")
    ap.add_argument("table")
    args = ap.parse_args()
    territory, places, vocabulary = load(args.db)
    ctx = (territory, places, vocabulary, closed_values())
    lines = Path(args.table).read_text(encoding="utf-8").split("\n")
    header = None
    out, differences = [], 0
    for line in lines:
        if not line or line.startswith("#"):
            out.append(line)
            continue
        cols = line.split("\t")
        if header is None:
            header = cols
            out.append(line)
            continue
        row = dict(zip(header, cols + [""] * (len(header) - len(cols))))
        if row["error"] not in ("", "-"):
            out.append(line)
            continue
        total, order, facets, dist, radius = evaluate(row["query"], ctx)
        expected = {"total": str(total), "top": ",".join(order[:TOP]) or "-",
                    "facets": format_facets(facets) if "facettes=" in row["query"] else "-"}
        if radius is not None:  # a place within 1 m of the radius would make the case fragile
            close = [i for i, d in dist.items() if abs(d - radius) < 0.001]
            if close:
                print(f"{row['name']}: {len(close)} place(s) within 1 m of the radius", file=sys.stderr)
        for col in ("total", "top", "facets"):
            if row[col] != expected[col]:
                differences += 1
                print(f"{row['name']}: {col} expected {expected[col]!r}, table has {row[col]!r}")
                row[col] = expected[col]
        out.append("\t".join(row[h] for h in header))
    if args.write:
        Path(args.table).write_text("\n".join(out), encoding="utf-8")
    print(f"{differences} difference(s)", file=sys.stderr)
    return 1 if differences and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
