#!/usr/bin/env python3
"""Checks the lexicon of needs: data/lexique/besoins.tsv and data/lexique/mots_neutres.txt.

Usage:
  python3 tools/check_lexicon.py              the rules of data/lexique/README.md, and counts
  python3 tools/check_lexicon.py --communes   also list the communes a word of which reads as a need
  python3 tools/check_lexicon.py --query "impots en ligne" "arnaque sms"
                                              the needs the engine's matcher finds in queries
  python3 tools/check_lexicon.py --port       use the Python Snowball port, not libstemmer

Reads only files of this repository: the value lists of the standard from
data/standard/schema-v1.0.2.json (each enumerated field's `constraints.pattern`), the typologie
codes from data/standard/typologies.tsv, the communes from data/territoire/communes.tsv.
Exit status 0 when every rule holds, 1 otherwise; warnings do not fail the check.

Triggers are read the way the engine reads them (src/search/lexicon.cpp, src/text/tokenize.h):
words split on every character that is neither a letter nor a digit, folded; a query word
matches a trigger word when their folded forms are equal, or their Snowball stems are (both
words longer than 4 letters), or, for a one-word trigger of 7 letters or more and no exact
match, when they are one edit apart; stop words of a trigger may be missing from the query; a
stop word never starts a match; at each position the longest trigger wins. The Matcher class
below repeats that logic: keep the two in step.
"""

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import snowball_french as sf

ROOT = Path(__file__).resolve().parent.parent
LEXIQUE = ROOT / "data" / "lexique"
BESOINS = LEXIQUE / "besoins.tsv"
NEUTRES = LEXIQUE / "mots_neutres.txt"
SCHEMA = ROOT / "data" / "standard" / "schema-v1.0.2.json"
TYPOLOGIES = ROOT / "data" / "standard" / "typologies.tsv"
COMMUNES = ROOT / "data" / "territoire" / "communes.tsv"

HEADER = ["besoin", "libelle", "categorie", "role", "declencheurs", "services", "publics",
          "prise_en_charge", "dispositifs", "typologies", "frais", "modalites_accompagnement",
          "sources"]
# Lexicon column -> the standard's field whose values it holds (typologies: typologies.tsv).
VALUE_COLUMNS = {
    "services": "services",
    "publics": "publics_specifiquement_adresses",
    "prise_en_charge": "prise_en_charge_specifique",
    "dispositifs": "dispositif_programmes_nationaux",
    "frais": "frais_a_charge",
    "modalites_accompagnement": "modalites_accompagnement",
}
CATEGORIES = {"demarches", "equipement", "apprentissage", "emploi", "securite", "enfants",
              "creation", "programme", "lieu", "public", "accessibilite", "tarif", "modalite"}
# Categories whose entries only rank places and must never exclude one.
PREFERENCE_CATEGORIES = {"public", "accessibilite", "tarif", "modalite"}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# Single words that are never a need by themselves.
GENERIC_WORDS = {"aide", "aider", "aides", "besoin", "besoins", "numerique", "numeriques",
                 "faire", "lieu", "lieux", "service", "services", "accompagnement", "internet",
                 "ligne", "chose", "truc", "probleme", "question", "info", "infos", "savoir",
                 "comment", "cherche", "trouver", "endroit", "proche", "pres"}
COLLISION_COMMENT = re.compile(r"^#\s*collision commune\s*:\s*([^(]+)")


# --- the engine's matcher (src/search/lexicon.cpp) ----------------------------------------------

def osa_at_most_1(a, b):
    """True when a and b are at most one edit apart (insertion, deletion, substitution or
    transposition of neighbours), as TextIndex::edit_distance(a, b, 1) <= 1."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if len(a) > len(b):
        a, b = b, a
    return any(b[:k] + b[k + 1:] == a for k in range(len(b)))


def deletions(word):
    """`word` and every string one character shorter."""
    return {word} | {word[:k] + word[k + 1:] for k in range(len(word))}


def word_matches(query, trigger, typo_ok):
    if query.folded == trigger.folded:
        return True
    if len(query.folded) > 4 and len(trigger.folded) > 4 and query.stem == trigger.stem:
        return True
    return typo_ok and len(query.folded) >= 7 and osa_at_most_1(query.folded, trigger.folded)


class Matcher:
    def __init__(self):
        self.phrases = []   # (tokens, besoin, trigger)
        self.by_first = {}  # folded or stem of the first word -> phrase indexes, longest first
        self.long_single = {}  # one-word phrases of 7+ letters: each 1-deletion -> indexes

    def add(self, besoin, trigger):
        tokens = sf.tokenize(trigger)
        index = len(self.phrases)
        self.phrases.append((tokens, besoin, trigger))
        first = tokens[0]
        self.by_first.setdefault(first.folded, []).append(index)
        if first.stem != first.folded:
            self.by_first.setdefault(first.stem, []).append(index)
        if len(tokens) == 1 and len(first.folded) >= 7:
            for variant in deletions(first.folded):
                self.long_single.setdefault(variant, []).append(index)

    def finish(self):
        for key, found in self.by_first.items():
            found = sorted(dict.fromkeys(found), key=lambda p: -len(self.phrases[p][0]))
            self.by_first[key] = found

    def phrase_length(self, tokens, first, phrase, typo_ok):
        at = first
        for w in phrase:
            if at < len(tokens) and word_matches(tokens[at], w, typo_ok and len(phrase) == 1):
                at += 1
                continue
            if w.stop_word:
                continue
            if (at < len(tokens) and tokens[at].stop_word and at + 1 < len(tokens)
                    and word_matches(tokens[at + 1], w, False)):
                at += 2
                continue
            return 0
        return at - first

    def typo_match(self, token):
        """The first one-word phrase of 7+ letters (file order) one edit from `token`, or None.
        Candidates share a 1-deletion with it (symmetric deletion), then are verified."""
        found = set()
        for variant in deletions(token.folded):
            found.update(self.long_single.get(variant, ()))
        for p in sorted(found):
            if word_matches(token, self.phrases[p][0][0], True):
                return p
        return None

    def match(self, tokens):
        """[(besoin, trigger, first, count, typo)] as Lexicon::match."""
        out, i = [], 0
        while i < len(tokens):
            if tokens[i].stop_word:
                i += 1
                continue
            best_len, best = 0, None
            keys = [tokens[i].folded] + ([tokens[i].stem] if tokens[i].stem != tokens[i].folded
                                         else [])
            for key in keys:
                for p in self.by_first.get(key, []):
                    n = self.phrase_length(tokens, i, self.phrases[p][0], False)
                    if n > best_len:
                        best_len, best = n, p
            typo = False
            if best_len == 0 and len(tokens[i].folded) >= 7:
                best = self.typo_match(tokens[i])
                best_len, typo = (1, True) if best is not None else (0, False)
            if best_len == 0:
                i += 1
                continue
            out.append((self.phrases[best][1], self.phrases[best][2], i, best_len, typo))
            i += best_len
        return out

    def full_matches(self, tokens):
        """The phrases that cover all of `tokens` from the first one, exactly (no typo)."""
        found = set()
        for key in (tokens[0].folded, tokens[0].stem):
            for p in self.by_first.get(key, []):
                if self.phrase_length(tokens, 0, self.phrases[p][0], False) == len(tokens):
                    found.add(p)
        return [self.phrases[p] for p in sorted(found)]


# --- reference lists ---------------------------------------------------------------------------

def pattern_values(pattern):
    """The alternatives of a Table Schema enum pattern `(?:(?:^|\\|)(A|B|C))+$`."""
    inner = pattern[pattern.index(")(") + 2:pattern.rindex("))+$")]
    values, current, k = [], [], 0
    while k < len(inner):
        if inner[k] == "\\" and k + 1 < len(inner):
            current.append(inner[k + 1])
            k += 2
            continue
        if inner[k] == "|":
            values.append("".join(current))
            current = []
        else:
            current.append(inner[k])
        k += 1
    values.append("".join(current))
    return values


def standard_values():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    allowed = {column: set(pattern_values(fields[field]["constraints"]["pattern"]))
               for column, field in VALUE_COLUMNS.items()}
    with TYPOLOGIES.open(encoding="utf-8") as f:
        allowed["typologies"] = {row["code"] for row in csv.DictReader(f, delimiter="\t")}
    return allowed


def communes():
    """fold_key(name) -> (name, "code, code...", largest population)."""
    found = {}
    with COMMUNES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            key = sf.fold_key(row["nom"])
            name, codes, population = found.get(key, (row["nom"], [], 0))
            codes.append(row["code_insee"])
            population = max(population, int(row["population"] or 0))
            found[key] = (name, codes, population)
    return {k: (name, ", ".join(sorted(set(codes))), population)
            for k, (name, codes, population) in found.items()}


# --- reading the files -------------------------------------------------------------------------

def read_lexicon(errors):
    """([(line number, entry dict)], {declared collision key: line number})."""
    lines = BESOINS.read_bytes().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    entries, declared, header_seen = [], {}, False
    for number, line in enumerate(lines, 1):
        where = f"besoins.tsv:{number}"
        if "\r" in line:
            errors.append(f"{where}: carriage return (line ends are \\n)")
        if line.startswith("#"):
            m = COLLISION_COMMENT.match(line)
            if m:
                for word in m.group(1).split(","):
                    declared[sf.fold_key(word)] = number
            continue
        if not line.strip():
            errors.append(f"{where}: blank line (separate sections with a # comment)")
            continue
        cells = line.split("\t")
        if not header_seen:
            header_seen = True
            if cells != HEADER:
                errors.append(f"{where}: the header must be exactly: " + " ".join(HEADER))
            continue
        if len(cells) != len(HEADER):
            errors.append(f"{where}: {len(cells)} columns instead of {len(HEADER)}")
            continue
        entries.append((number, dict(zip(HEADER, cells))))
    if not header_seen:
        errors.append("besoins.tsv: no header")
    return entries, declared


def read_neutral():
    out = []
    for number, line in enumerate(NEUTRES.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if text and not text.startswith("#"):
            out.append((number, text))
    return out


# --- the rules ---------------------------------------------------------------------------------

def check_entry(where, e, allowed, errors):
    if not ID_PATTERN.match(e["besoin"]):
        errors.append(f"{where}: the id must be lowercase ascii letters, digits and _")
    if not e["libelle"] or e["libelle"] != e["libelle"].strip():
        errors.append(f"{where}: libelle empty or padded with spaces")
    if e["categorie"] not in CATEGORIES:
        errors.append(f"{where}: unknown categorie « {e['categorie']} »")
    if e["role"] not in ("besoin", "preference"):
        errors.append(f"{where}: role must be besoin or preference")
    if (e["categorie"] in PREFERENCE_CATEGORIES or e["publics"]) and e["role"] != "preference":
        errors.append(f"{where}: publics, accessibility, fees and modes are preferences")
    if not e["sources"].strip():
        errors.append(f"{where}: sources is empty")
    any_value = False
    for column in list(VALUE_COLUMNS) + ["typologies"]:
        if not e[column]:
            continue
        values = e[column].split("|")
        if len(set(values)) != len(values):
            errors.append(f"{where}: {column} repeats a value")
        for value in values:
            if value in allowed[column]:
                any_value = True
            else:
                errors.append(f"{where}: {column} « {value} » is not a value of the standard")
    if not any_value:
        errors.append(f"{where}: no value in any value column")


def check_triggers(entries, matcher, neutral, errors):
    folded_owner = {}  # the engine's load-time key: folded words -> (besoin, trigger)
    for number, e in entries:
        where = f"besoins.tsv:{number} ({e['besoin']})"
        triggers = e["declencheurs"].split("|")
        if triggers == [""]:
            errors.append(f"{where}: no trigger")
            continue
        for trigger in triggers:
            tokens = sf.tokenize(trigger)
            if not trigger.strip() or trigger != trigger.strip() or "  " in trigger:
                errors.append(f"{where}: empty or badly spaced trigger « {trigger} »")
                continue
            if trigger != trigger.lower():
                errors.append(f"{where}: « {trigger} » is not in lower case")
            if all(t.stop_word for t in tokens):
                errors.append(f"{where}: « {trigger} » has only stop words")
                continue
            if tokens[0].stop_word:
                errors.append(f"{where}: « {trigger} » begins with a stop word: the engine "
                              f"never starts a match on one (write it without)")
                continue
            if len(tokens) == 1 and tokens[0].folded in GENERIC_WORDS:
                errors.append(f"{where}: « {trigger} » is a generic word, not a need")
            key = tuple(t.folded for t in tokens)
            if key in folded_owner:
                owner = folded_owner[key]
                errors.append(f"{where}: « {trigger} » folds to the same words as « {owner[1]} » "
                              f"of {owner[0]} (the engine folds case and accents: list it once)")
                continue
            folded_owner[key] = (e["besoin"], trigger)
            others = {b for _, b, _ in matcher.full_matches(tokens) if b != e["besoin"]}
            if others:
                errors.append(f"{where}: « {trigger} » also reads as a trigger of "
                              f"{', '.join(sorted(others))} (same words once stemmed)")
                continue
            found = matcher.match(tokens)
            if len(found) != 1 or found[0][0] != e["besoin"] or found[0][3] != len(tokens):
                got = " + ".join(f"{b} (« {t} »)" for b, t, *_ in found) or "nothing"
                errors.append(f"{where}: typing « {trigger} » gives {got}")
    for number, text in neutral:
        found = matcher.match(sf.tokenize(text))
        if found:
            got = ", ".join(f"« {t} » of {b}" for b, t, *_ in found)
            errors.append(f"mots_neutres.txt:{number}: « {text} » reads as a need ({got}): "
                          f"needs are read first, so drop the neutral word or the trigger")


def check_communes(matcher, declared, errors, warnings, verbose):
    """A commune whose whole name reads as one need must be declared in a « # collision
    commune » comment (kept as a need word) or its trigger dropped. Communes with only some
    words read as needs are counted (listed with --communes)."""
    whole, partial = [], []
    for key, (name, codes, population) in sorted(communes().items()):
        tokens = sf.tokenize(key)
        found = matcher.match(tokens) if tokens else []
        if not found:
            continue
        if len(found) == 1 and found[0][2] == 0 and found[0][3] == len(tokens):
            whole.append((key, name, codes, population, found[0]))
        else:
            partial.append((name, codes, population, found))
    for key, name, codes, population, (besoin, trigger, _, _, typo) in whole:
        if key not in declared:
            how = "one typo from" if typo else "the same word as"
            errors.append(f"commune {name} ({codes}, {population} inhabitants) is {how} "
                          f"« {trigger} » ({besoin}): drop the trigger, or declare it in a "
                          f"« # collision commune: {key} (...) » comment of besoins.tsv")
    for key, number in sorted(declared.items()):
        if key not in {w[0] for w in whole}:
            warnings.append(f"besoins.tsv:{number}: the declared collision « {key} » no longer "
                            f"reads as a need, or no longer names a commune")
    if verbose:
        print(f"communes whose whole name reads as a need ({len(whole)}):")
        for key, name, codes, population, (besoin, trigger, _, _, typo) in whole:
            print(f"  {name} ({codes}, {population} inhabitants): {besoin} « {trigger} »"
                  + (" (typo)" if typo else ""))
        print(f"communes with a word that reads as a need ({len(partial)}):")
        for name, codes, population, found in sorted(partial, key=lambda p: -p[2]):
            got = ", ".join(f"{b} « {t} »" + (" (typo)" if typo else "")
                            for b, t, _, _, typo in found)
            print(f"  {name} ({codes}, {population} inhabitants): {got}")
    return whole, partial


def check(verbose_communes=False):
    errors, warnings = [], []
    allowed = standard_values()
    entries, declared = read_lexicon(errors)
    ids = {}
    for number, e in entries:
        where = f"besoins.tsv:{number} ({e['besoin']})"
        if e["besoin"] in ids:
            errors.append(f"{where}: id already used at line {ids[e['besoin']]}")
        ids.setdefault(e["besoin"], number)
        check_entry(where, e, allowed, errors)

    matcher = Matcher()
    for _, e in entries:
        for trigger in e["declencheurs"].split("|"):
            if sf.tokenize(trigger):
                matcher.add(e["besoin"], trigger)
    matcher.finish()
    neutral = read_neutral()
    check_triggers(entries, matcher, neutral, errors)
    whole, partial = check_communes(matcher, declared, errors, warnings, verbose_communes)

    # One typo apart: a misspelt trigger of one need may be read as the other.
    singles = [(p[0][0].folded, p[1], p[2]) for p in matcher.phrases
               if len(p[0]) == 1 and len(p[0][0].folded) >= 7]
    by_length = {}
    for item in singles:
        by_length.setdefault(len(item[0]), []).append(item)
    for word, besoin, trigger in singles:
        for length in (len(word), len(word) + 1):
            for other, other_besoin, other_trigger in by_length.get(length, []):
                if other_besoin != besoin and word != other and osa_at_most_1(word, other) \
                        and (length > len(word) or word < other):
                    warnings.append(f"« {trigger} » ({besoin}) and « {other_trigger} » "
                                    f"({other_besoin}) are one typo apart")

    by_category = {}
    for _, e in entries:
        by_category[e["categorie"]] = by_category.get(e["categorie"], 0) + 1
    print("stemmer:", "libstemmer (system)" if sf._LIB else "Snowball French port (Python)")
    print(f"entries: {len(entries)} ({sum(e['role'] == 'besoin' for _, e in entries)} besoin, "
          f"{sum(e['role'] == 'preference' for _, e in entries)} preference), "
          f"triggers: {len(matcher.phrases)}, neutral words: {len(neutral)}")
    print("by categorie:", ", ".join(f"{k} {v}" for k, v in sorted(by_category.items())))
    print(f"communes whose whole name reads as a need: {len(whole)} (declared: "
          f"{', '.join(w[0] for w in whole) or 'none'}); communes with a word that "
          f"reads as a need: {len(partial)} (--communes lists them)")
    return errors, warnings, matcher


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communes", action="store_true",
                        help="list the communes whose name has a word read as a need")
    parser.add_argument("--query", nargs="+", metavar="TEXT",
                        help="print the needs the matcher finds in these queries")
    parser.add_argument("--port", action="store_true",
                        help="use the Python Snowball port even when libstemmer is installed")
    args = parser.parse_args()
    if args.port:
        sf._LIB = None
    errors, warnings, matcher = check(args.communes)
    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    if args.query:
        for q in args.query:
            found = matcher.match(sf.tokenize(q))
            print(f"{q!r}: " + (", ".join(f"{b} (« {t} »)" for b, t, *_ in found) or "-"))
    print("OK" if not errors else f"{len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
