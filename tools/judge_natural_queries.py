#!/usr/bin/python3
"""Judge of the natural-language query set (tests/cases/natural_queries_requetes.tsv).

For every hand-written query (a need typed in ordinary French, and the "Où ?" box as typed), this
script computes, without any code or lexicon of the search engine, which bundled places serve
the need and how near they are, and writes tests/cases/natural_queries.tsv, the judged set that
the evaluator compares the engine's answers with. The method is written in
docs/recherche-naturelle.md ("The judged query set"); in short:

- relevance comes only from the query's `intention`: `;`-separated terms, any of which makes a
  place relevant. `field=value` holds when `value` is one of the place's `|`-separated values of
  that standard field (exact string, after validation against the standard's closed lists and the
  typologie codes); `nom~words` holds when the folded words appear, consecutively, in the folded
  place name (the last one may carry a plural s or x);
- the point of a query is the centroid (data/territoire/communes.tsv) of the place typed in `ou`,
  or, when `ou` is empty and the row is tagged `commune_dans_besoin`, of the commune written at
  the end (or the start) of `q`; rows tagged `sans_lieu` have no point. Resolution rules:
  resolve_place() below;
- a place's position is its latitude/longitude, else the centroid of its code_insee commune;
- `pertinents` items are `id:grade` joined with `,`: an id may itself contain `:` (`source:id`)
  or `|`, never `,` (checked), so a reader splits each item at its last `:`;
- distances are great-circle (haversine, radius 6371.0088 km); grade 2 within 10 km, 1 within
  10-30 km, not relevant beyond; `pertinents` lists them nearest first (ties: public id), at most
  100; for `sans_lieu` rows every relevant place of France has grade 1, listed by public id.

Usage (from the repository root):
    maillage export --db DB --format json --out /tmp/lieux.json
    tools/judge_natural_queries.py --lieux /tmp/lieux.json
Options: --requetes, --communes, --out (defaults: the files of this repository),
--explain ID (prints how one row was judged), --check (writes nothing, fails when --out differs
from what the judge computes). Standard library only; same inputs, same bytes.
"""
import argparse
import collections
import csv
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EARTH_RADIUS_KM = 6371.0088
NEAR_KM = 10.0
RADIUS_KM = 30.0
MAX_LISTED = 100
INPUT_COLUMNS = ["id", "q", "ou", "types", "intention", "commentaire"]
OUTPUT_COLUMNS = INPUT_COLUMNS + ["lat", "lon", "pertinents", "nb_pertinents_30km",
                                  "plus_proche_km"]
TAGS = ["demarche", "equipement", "apprentissage", "emploi", "securite", "enfants", "creation",
        "programme", "lieu", "public", "typo", "abreviation", "familier", "homonyme",
        "arrondissement", "outremer", "commune_dans_besoin", "commune_mal_ecrite", "sans_lieu"]
# Fields an intention may test with `field=value`, and whether their values form a closed list.
INTENT_FIELDS = ["services", "dispositif_programmes_nationaux", "typologie",
                 "publics_specifiquement_adresses", "prise_en_charge_specifique",
                 "frais_a_charge", "modalites_accompagnement", "formations_labels"]
# "Marseille 15e", "Paris 20eme", "Lyon 3e arrondissement": municipal districts by number.
DISTRICT_CITIES = {"paris": ("75", 100), "marseille": ("13", 200), "lyon": ("69", 380)}
DISTRICT_RE = re.compile(r"^(paris|marseille|lyon) (\d{1,2}) ?(e|eme|er|ieme)?( arr| arrondissement)?$")
# "Saint-Denis (93)", "Saint-Denis 974": a name followed by a département code.
DEPARTEMENT_RE = re.compile(r"^(.+?) (\d{2,3}|2a|2b)$")
LEADING_WORDS = ["a", "au", "sur", "vers", "pres de", "autour de", "dans", "en", "de", "du"]
WANTED_RE = re.compile(r"commune voulue\s*:\s*[^()]*\(([0-9AB]{5})\)")


def fold(text):
    """Lower case, no accents, œ/æ expanded, anything but letters and digits as one space."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    words = [{"st": "saint", "ste": "sainte"}.get(w, w) for w in text.split()]
    return " ".join(words)


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def edit_distance(a, b, limit):
    """Damerau-Levenshtein (optimal string alignment); any value > limit means 'too far'."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class Territory:
    """The communes, districts and delegated communes of data/territoire/communes.tsv."""

    TYPE_ORDER = {"commune": 0, "arrondissement": 1, "commune_deleguee": 2, "commune_associee": 3}

    def __init__(self, path):
        self.rows = []
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if not row["latitude"]:
                    continue
                row["lat"], row["lon"] = float(row["latitude"]), float(row["longitude"])
                row["pop"] = int(row["population"] or 0)
                row["folded"] = fold(row["nom"])
                row["postcodes"] = set(filter(None, row["codes_postaux"].split("|")))
                self.rows.append(row)
        self.by_name = collections.defaultdict(list)
        self.by_code = collections.defaultdict(list)
        for row in self.rows:
            self.by_name[row["folded"]].append(row)
            self.by_code[row["code_insee"]].append(row)
        self.departements = {r["departement"].lower() for r in self.rows}

    @classmethod
    def best(cls, rows):
        """Communes before districts before delegated communes, then the most populated."""
        return min(rows, key=lambda r: (cls.TYPE_ORDER[r["type"]], -r["pop"], r["code_insee"]))

    def centroid_of_code(self, code):
        rows = self.by_code.get(code)
        return self.best(rows) if rows else None

    def exact(self, folded):
        """A place typed correctly: postal code, district, 'name dept', or a name. None if not."""
        if re.fullmatch(r"\d{5}", folded):
            districts = [r for r in self.rows
                         if r["type"] == "arrondissement" and folded in r["postcodes"]]
            if districts:
                return self.best(districts)
            communes = [r for r in self.rows if r["type"] == "commune" and folded in r["postcodes"]]
            return self.best(communes) if communes else None
        m = DISTRICT_RE.match(folded)
        if m:
            dep, base = DISTRICT_CITIES[m.group(1)]
            rows = [r for r in self.by_code.get(f"{dep}{base + int(m.group(2)):03d}", [])
                    if r["type"] == "arrondissement"]
            return rows[0] if rows else None
        m = DEPARTEMENT_RE.match(folded)
        if m and m.group(2) in self.departements:
            rows = [r for r in self.by_name.get(m.group(1), [])
                    if r["departement"].lower() == m.group(2)]
            if rows:
                return self.best(rows)
        rows = self.by_name.get(folded)
        return self.best(rows) if rows else None

    def fuzzy(self, folded):
        """A misspelt name: the nearest commune name (1 edit up to 7 letters, 2 beyond), then the
        most populated. Only communes (not districts or delegated communes) are candidates."""
        limit = 1 if len(folded) <= 7 else 2
        best_key, best_row = None, None
        for row in self.rows:
            if row["type"] != "commune":
                continue
            d = edit_distance(folded.replace(" ", ""), row["folded"].replace(" ", ""), limit)
            if d <= limit:
                key = (d, -row["pop"], row["code_insee"])
                if best_key is None or key < best_key:
                    best_key, best_row = key, row
        return best_row


def strip_leading_words(folded):
    for w in sorted(LEADING_WORDS, key=len, reverse=True):
        if folded.startswith(w + " "):
            return folded[len(w) + 1:]
    return folded


def resolve_place(territory, row):
    """The commune row of the point of a query, or None for sans_lieu.

    - `ou` not empty: its folded text (without a leading "à", "près de"...), exactly (postal
      code, district, name with a département code, name), else the nearest name within 1-2
      edits (rows tagged commune_mal_ecrite only);
    - `ou` empty and tagged commune_dans_besoin: the longest run of the last words of `q` (up
      to 5) that names a place exactly, else of the first words, else (commune_mal_ecrite) the
      last 1-3 words within 1-2 edits.
    """
    tags = row["types"]
    misspelt = "commune_mal_ecrite" in tags
    if row["ou"].strip():
        text = strip_leading_words(fold(row["ou"]))
        place = territory.exact(text) or (territory.fuzzy(text) if misspelt else None)
        if place is None:
            sys.exit(f"{row['id']}: « {row['ou']} » ne désigne aucune commune connue")
        return place
    if "sans_lieu" in tags:
        return None
    if "commune_dans_besoin" not in tags:
        sys.exit(f"{row['id']}: `ou` vide sans l'étiquette commune_dans_besoin ni sans_lieu")
    words = fold(row["q"]).split()
    for n in range(min(5, len(words) - 1), 0, -1):
        for part in (words[-n:], words[:n]):
            place = territory.exact(" ".join(part))
            if place is not None:
                return place
    if misspelt:
        for n in range(1, 4):
            place = territory.fuzzy(" ".join(words[-n:]))
            if place is not None:
                return place
    sys.exit(f"{row['id']}: aucune commune trouvée dans « {row['q']} »")


def load_standard_values():
    """Allowed values of the closed fields (schema v1.0.2 patterns) and the typologie codes."""
    schema = json.loads((ROOT / "data/standard/schema-v1.0.2.json").read_text(encoding="utf-8"))
    allowed = {}
    for field in schema["fields"]:
        pattern = field.get("constraints", {}).get("pattern", "")
        m = re.match(r"^\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$$", pattern)
        if m:
            allowed[field["name"]] = {v.replace("\\(", "(").replace("\\)", ")").replace("\\.", ".")
                                      for v in m.group(1).split("|")}
    with open(ROOT / "data/standard/typologies.tsv", encoding="utf-8") as f:
        allowed["typologie"] = {line.split("\t")[0] for line in f.read().splitlines()[1:] if line}
    return allowed


def parse_intention(text, allowed, row_id):
    """[(kind, field, value)] with kind '=' or '~'; exits on an unknown field or value."""
    terms = []
    for term in filter(None, (t.strip() for t in text.split(";"))):
        m = re.fullmatch(r"nom~(.+)", term)
        if m:
            terms.append(("~", "nom", fold(m.group(1))))
            continue
        m = re.fullmatch(r"([a-z_]+)=(.+)", term)
        if not m or m.group(1) not in INTENT_FIELDS:
            sys.exit(f"{row_id}: terme d'intention invalide « {term} »")
        field, value = m.group(1), m.group(2)
        if field in allowed and value not in allowed[field]:
            sys.exit(f"{row_id}: « {value} » n'est pas une valeur de {field}")
        terms.append(("=", field, value))
    if not terms:
        sys.exit(f"{row_id}: intention vide")
    return terms


def name_contains(folded_name, words):
    padded = f" {folded_name} "
    return any(f" {words}{end} " in padded for end in ("", "s", "x"))


def matches(place, terms):
    for kind, field, value in terms:
        if kind == "~":
            if name_contains(place["_folded_name"], value):
                return True
        elif value in place["_values"].get(field, ()):
            return True
    return False


def load_places(path, territory):
    places = json.loads(Path(path).read_text(encoding="utf-8"))
    kept = []
    for p in places:
        if "," in p["id"] or "\t" in p["id"]:
            sys.exit(f"lieu « {p['id']} » : un id avec « , » ou une tabulation ne peut être listé")
        if "latitude" in p and "longitude" in p:
            p["_lat"], p["_lon"] = float(p["latitude"]), float(p["longitude"])
        else:
            commune = territory.centroid_of_code(p.get("code_insee", ""))
            if commune is None:
                print(f"lieu {p['id']} sans position ni code_insee connu : ignoré", file=sys.stderr)
                continue
            p["_lat"], p["_lon"] = commune["lat"], commune["lon"]
        p["_folded_name"] = fold(p.get("nom", ""))
        p["_values"] = {f: set(p.get(f, "").split("|")) for f in INTENT_FIELDS}
        kept.append(p)
    return kept


def read_requetes(path):
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        lines = [l for l in f.read().split("\n") if l and not l.startswith("#")]
    header = lines[0].split("\t")
    if header != INPUT_COLUMNS:
        sys.exit(f"{path}: en-tête attendu {INPUT_COLUMNS}, lu {header}")
    seen = set()
    for n, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(INPUT_COLUMNS):
            sys.exit(f"{path}: ligne « {line[:60]} » : {len(cells)} colonnes au lieu de 6")
        row = dict(zip(INPUT_COLUMNS, cells))
        if not re.fullmatch(r"[a-z0-9_]+", row["id"]) or row["id"] in seen:
            sys.exit(f"{path}: id invalide ou répété « {row['id']} »")
        seen.add(row["id"])
        row["types"] = [t for t in row["types"].split(",") if t]
        unknown = [t for t in row["types"] if t not in TAGS]
        if unknown or not row["q"].strip():
            sys.exit(f"{row['id']}: étiquettes inconnues {unknown} ou q vide")
        rows.append(row)
    return rows


def fmt_km(km):
    return f"{km:.2f}"


def judge_row(row, point, relevant):
    """The output cells lat, lon, pertinents, nb_pertinents_30km, plus_proche_km."""
    if point is None:
        ids = sorted(p["id"] for p in relevant)
        listed = ",".join(f"{i}:1" for i in ids[:MAX_LISTED])
        return ["", "", listed, str(len(ids)), ""]
    lat, lon = point["lat"], point["lon"]
    scored = sorted((haversine_km(lat, lon, p["_lat"], p["_lon"]), p["id"]) for p in relevant)
    within = [(d, i) for d, i in scored if d <= RADIUS_KM]
    listed = ",".join(f"{i}:{2 if d <= NEAR_KM else 1}" for d, i in within[:MAX_LISTED])
    nearest = fmt_km(scored[0][0]) if scored else ""
    return [f"{lat:.6f}", f"{lon:.6f}", listed, str(len(within)), nearest]


def check_wanted_commune(row, point):
    """A row that depends on an interpretation (homonym, misspelling) names the commune meant."""
    wanted = WANTED_RE.search(row["commentaire"])
    if wanted and (point is None or point["code_insee"] != wanted.group(1)):
        got = "rien" if point is None else f"{point['nom']} ({point['code_insee']})"
        sys.exit(f"{row['id']}: commune voulue {wanted.group(1)}, résolue {got}")
    if ("homonyme" in row["types"] or "commune_mal_ecrite" in row["types"]) and not wanted:
        sys.exit(f"{row['id']}: écrire « commune voulue : Nom (CODE) » dans commentaire")


def explain(row, point, relevant, cells):
    where = "sans lieu" if point is None else f"{point['nom']} ({point['code_insee']})"
    print(f"{row['id']}: point {where}; {len(relevant)} lieux pertinents en France; "
          f"{cells[3]} à 30 km; le plus proche à {cells[4] or '-'} km")
    by_id = {p["id"]: p for p in relevant}
    for item in filter(None, cells[2].split(",")[:20]):
        p = by_id[item.rsplit(":", 1)[0]]
        print(f"  {item}  {p.get('nom')} — {p.get('commune')}")


def judge_all(rows, territory, allowed, places, explain_id):
    """The output lines, the tag counts and the ids of rows with nothing relevant within 30 km."""
    out_lines = ["\t".join(OUTPUT_COLUMNS)]
    tag_counts = collections.Counter()
    empty_rows = []
    for row in rows:
        terms = parse_intention(row["intention"], allowed, row["id"])
        point = resolve_place(territory, row)
        check_wanted_commune(row, point)
        relevant = [p for p in places if matches(p, terms)]
        cells = judge_row(row, point, relevant)
        out_lines.append("\t".join([row["id"], row["q"], row["ou"], ",".join(row["types"]),
                                    row["intention"], row["commentaire"]] + cells))
        tag_counts.update(row["types"])
        if point is not None and cells[3] == "0":
            empty_rows.append(row["id"])
        if explain_id == row["id"]:
            explain(row, point, relevant, cells)
    return out_lines, tag_counts, empty_rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lieux", required=True, help="export JSON des lieux (maillage export)")
    parser.add_argument("--requetes", default=ROOT / "tests/cases/natural_queries_requetes.tsv")
    parser.add_argument("--communes", default=ROOT / "data/territoire/communes.tsv")
    parser.add_argument("--out", default=ROOT / "tests/cases/natural_queries.tsv")
    parser.add_argument("--explain", help="affiche le jugement d'une requête (id)")
    parser.add_argument("--check", action="store_true",
                        help="n'écrit rien ; échoue si --out ne correspond plus au jugement")
    args = parser.parse_args()

    territory = Territory(args.communes)
    rows = read_requetes(args.requetes)
    out_lines, tag_counts, empty_rows = judge_all(
        rows, territory, load_standard_values(), load_places(args.lieux, territory), args.explain)
    text = "\n".join(out_lines) + "\n"
    if args.check:
        current = Path(args.out).read_text(encoding="utf-8") if Path(args.out).exists() else ""
        if current != text:
            sys.exit(f"{args.out} ne correspond plus au jugement : relancer sans --check")
        print(f"{args.out} est à jour")
    else:
        Path(args.out).write_text(text, encoding="utf-8")

    print(f"{len(rows)} requêtes jugées" + ("" if args.check else f", écrites dans {args.out}"))
    print(f"{len(empty_rows)} requêtes avec un lieu et aucun lieu pertinent à 30 km : "
          + ", ".join(empty_rows))
    print("par étiquette : " + ", ".join(f"{t} {tag_counts[t]}" for t in TAGS))


if __name__ == "__main__":
    main()
