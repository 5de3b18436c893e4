#!/usr/bin/env python3
"""Candidate pairs for the hand-labelled duplicate table tests/cases/dedup_pairs.tsv.

The table says, for pairs of places published by two DIFFERENT sources, whether they are the same
place (`meme`) or not (`different`). It is labelled by hand (see its header for the guide); this
script only draws the candidate pairs that were shown to the labeller, builds the store the keys
refer to, prints pairs for reading, and checks the table.

  # 1. the store, from exactly the files of tests/cases/dedup_sources.tsv (the binary is run in the
  #    repo root, where it finds data/profils)
  tools/dedup_pairs_sample.py --build-db --db /tmp/pairs.db --maillage build/maillage
  # 2. candidate pairs (deterministic: fixed seed, sorted inputs)
  tools/dedup_pairs_sample.py --sample --db /tmp/pairs.db --seed 20240801 > /tmp/candidates.tsv
  # 3. read them, 20 at a time, every field of both records and the other places of the commune
  tools/dedup_pairs_sample.py --show /tmp/candidates.tsv --db /tmp/pairs.db --context --start 0 --count 20
  # 4. check the labelled table against a store built from dedup_sources.tsv alone
  tools/dedup_pairs_sample.py --check --maillage build/maillage

How candidates are drawn. Places of two sources of one overlapping pair (OVERLAPS below) are
blocked by commune (INSEE code, or département + folded commune name) and by position (< 300 m).
Each cross-source pair in a block gets similarity features (folded name tokens, street tokens and
house number after expanding abbreviations, distance, shared phone / e-mail / SIRET / website)
and falls in one stratum:
  a  same name and same address (likely obvious duplicate)
  b  name or address or contact close but not both identical (likely near duplicate)
  c  same commune and a reason to confuse them: the same kind of place (two France Services, two
     libraries, two town halls...), similar names once the commune is left out, the same street
     address or pins < 200 m apart (likely hard negative)
  d  the rest of the block (likely easy negative)
and each overlap draws its quota per stratum at random (random.Random(seed)); a second draw
(OVERLAPS_2, random.Random(seed + 1)) adds likely duplicates and a few source pairs without changing
the first. A place appears in at most two drawn pairs. The stratum is only how the pair was drawn:
the label and the category of the table are the labeller's decision.
Only the Python standard library is used.
"""
import argparse, collections, json, math, os, random, re, shutil, sqlite3, subprocess, sys, tempfile, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
SOURCES_TSV = os.path.join(ROOT, "tests", "cases", "dedup_sources.tsv")
PAIRS_TSV = os.path.join(ROOT, "tests", "cases", "dedup_pairs.tsv")

HS16 = "20230516-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur"
HS17 = "20230517-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur"
CHARENTE = "20230711-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine"
BUS16 = "20231003-bus-france-services-en-charente-lieux-de-mediation-numeriques-nouvelle-aquitaine"
NC24 = "20240320-nouvelle-caledonie-lieux-de-mediation-numeriques-nouvelle-caledonie"
HINAURA = "source"  # cartographie-snapshots/source.json, the Hinaura export
T2020 = "hub__hub_{}_transformed"
FS20T = "national__france_services__france_services_cget-carto_transformed"
HINAURA20 = "hub__hub_hinaura__092020_test_bdd_Hinaura_transformed"
BFC20 = "hub__hub_mednum_bfc__2020-07-09_BFC-TERNUM_export_transformed"
RHINOCC20 = "hub__hub_rhinocc__RHINOCC-carto-BDD_export_transformed"
HUBIK33 = "hub__hub_hubik__gironde__Cartographies_departements_-_Gironde_transformed"
HUBIK47 = "hub__hub_hubik__lot_et_garonne__Cartographies_departements_-_Lot-et-Garonne_transformed"
CONNUMM = "hub__hub_connumm__export_file_transformed"
SIILAB = "hub__hub_les_assembleurs__siilab-hdf_export_transformed"
FRANCILIN = "hub__hub_francilin__source_source_fichier_normalise_transformed"
SUDLAB = "hub__hub_du_sud__Copie_de_Lieux_Médiation_fablab_SudLab_LABELS_transformed"
CORSE_EPN = "region__region_corse__epn__carte-des-epn-de-corse_transformed"
AUVERGNE = "region__region_auvergne__espaces_numeriques__espaces_numeriques_en_auvergne_transformed"
NORMANDIE = "region__region_normandie__GEO_NUM_DAN_SRTN_espaces_publics_numeriques_transformed"


def is_fs_record(r):
    """A cartographie-snapshot record published by the France Services feed."""
    return "france-services" in r.get("source", "").lower() or "france services" in r.get("source", "").lower()


# (source a, source b, quota per stratum a/b/c/d, optional filter on the records of b).
OVERLAPS = [
    ("france-services", "france-services-2020", dict(a=6, b=24, c=16, d=4), None),
    ("france-services", FS20T, dict(a=3, b=14, c=8, d=3), None),
    ("france-services-2020", FS20T, dict(a=3, b=5, c=3, d=1), None),
    ("france-services", HS16, dict(a=3, b=10, c=8, d=2), is_fs_record),
    ("france-services", CHARENTE, dict(a=2, b=6, c=5, d=2), None),
    (HS16, HS17, dict(a=4, b=12, c=12, d=4), None),
    (HINAURA, HINAURA20, dict(a=4, b=12, c=8, d=3), None),
    ("hub-mednum-bfc", BFC20, dict(a=5, b=16, c=12, d=4), None),
    ("hub-rhinocc", RHINOCC20, dict(a=5, b=16, c=12, d=4), None),
    (CHARENTE, "mednum-bus-france-services-charente", dict(a=2, b=4, c=3, d=1), None),
    (BUS16, "mednum-bus-france-services-charente", dict(a=3, b=4, c=3, d=1), None),
    (NC24, "mednum-nouvelle-caledonie", dict(a=4, b=10, c=8, d=3), None),
    ("bibliotheques", HINAURA, dict(a=2, b=6, c=5, d=1), None),
    ("bibliotheques", "mednum-hub-lo", dict(a=2, b=5, c=4, d=1), None),
    ("bibliotheques", "mednum-maine-et-loire", dict(a=2, b=5, c=4, d=1), None),
    ("bibliotheques", "mednum-gironde", dict(a=1, b=4, c=4, d=1), None),
    ("bibliotheques", "hub-mednum-bfc", dict(a=1, b=4, c=4, d=1), None),
    ("bibliotheques", FRANCILIN, dict(a=1, b=4, c=3, d=1), None),
    ("bibliotheques", HS16, dict(a=0, b=4, c=3, d=1), None),
    ("bibliotheques", "mednum-corse", dict(a=0, b=3, c=2, d=1), None),
    ("bibliotheques", "mednum-ultra-num", dict(a=0, b=3, c=2, d=1), None),
    (HUBIK33, "mednum-gironde", dict(a=4, b=12, c=9, d=3), None),
    ("fablabs-bretagne", "bibliotheques", dict(a=0, b=3, c=3, d=1), None),
    ("fablabs-bretagne", "france-services", dict(a=0, b=2, c=3, d=1), None),
    ("fablabs-bretagne", CONNUMM, dict(a=0, b=2, c=2, d=0), None),
    ("mednum-corse", CORSE_EPN, dict(a=1, b=4, c=3, d=1), None),
    ("france-services", "mednum-ultra-num", dict(a=0, b=3, c=3, d=1), None),
    ("france-services", "mednum-fibre-64", dict(a=1, b=4, c=3, d=1), None),
    ("france-services", "mednum-hub-lo", dict(a=1, b=4, c=3, d=1), None),
    ("france-services", "hub-rhinocc", dict(a=0, b=4, c=3, d=1), None),
    ("france-services", "mednum-etapes-numerique", dict(a=0, b=2, c=2, d=1), None),
    ("france-services", "hub-mednum-bfc", dict(a=0, b=5, c=3, d=1), None),
    ("nantes-pratiques-numeriques", CONNUMM, dict(a=1, b=3, c=3, d=1), None),
    ("mednum-aix-en-provence", HS16, dict(a=1, b=3, c=3, d=1), None),
    (HINAURA, AUVERGNE, dict(a=1, b=3, c=3, d=1), None),
    (SIILAB, "lille-tiers-lieux", dict(a=1, b=3, c=3, d=1), None),
    (HUBIK47, "france-services", dict(a=0, b=3, c=2, d=1), None),
    (NORMANDIE, "france-services", dict(a=0, b=3, c=2, d=1), None),
]

# A second draw, made after the first one was labelled (it came out at 43 % duplicates): more
# likely duplicates, and a few more source pairs. It uses its own random generator (seed + 1) and
# skips the pairs of the first draw, so the first draw is unchanged by it.
OVERLAPS_2 = [
    ("france-services", HS17, dict(a=4, b=3, c=0, d=0), is_fs_record),
    (HS16, HS17, dict(a=3, b=3, c=0, d=0), None),
    (NC24, "mednum-nouvelle-caledonie", dict(a=3, b=0, c=0, d=0), None),
    ("hub-mednum-bfc", BFC20, dict(a=3, b=3, c=0, d=0), None),
    ("hub-rhinocc", RHINOCC20, dict(a=3, b=3, c=0, d=0), None),
    (HUBIK33, "mednum-gironde", dict(a=3, b=2, c=0, d=0), None),
    ("bibliotheques", "mednum-la-creuse", dict(a=1, b=3, c=1, d=0), None),
    ("bibliotheques", "mednum-epernay", dict(a=1, b=3, c=1, d=0), None),
    ("bibliotheques", NORMANDIE, dict(a=1, b=3, c=1, d=0), None),
    ("france-services", CONNUMM, dict(a=0, b=3, c=1, d=0), None),
    ("france-services", SIILAB, dict(a=0, b=3, c=1, d=0), None),
]

# ---------------------------------------------------------------------------------------------
# Folding and features

STOP = {"de", "la", "le", "les", "du", "des", "d", "l", "et", "a", "en", "au", "aux", "sur", "sous", "the"}
ABBREV = {
    "av": "avenue", "ave": "avenue", "avn": "avenue", "bd": "boulevard", "bld": "boulevard", "boul": "boulevard",
    "blvd": "boulevard", "r": "rue", "pl": "place", "ch": "chemin", "chem": "chemin", "rte": "route",
    "imp": "impasse", "all": "allee", "sq": "square", "fbg": "faubourg", "fg": "faubourg", "crs": "cours",
    "st": "saint", "ste": "sainte", "res": "residence", "dr": "docteur", "gal": "general", "gen": "general",
    "mal": "marechal", "pdt": "president", "prom": "promenade", "lot": "lotissement", "pte": "porte",
    "mte": "montee", "rpt": "rond point", "qu": "quai", "ht": "haut", "bt": "batiment", "bat": "batiment",
    "cc": "centre commercial", "ctre": "centre", "hdv": "hotel de ville", "fs": "france services",
    "med": "mediatheque", "bib": "bibliotheque", "biblio": "bibliotheque",
}
KINDS = [
    ("france_services", r"\bfrance services?\b|\bmsap\b|maison (de|des) services? au public|\bmfs\b|\bpimms\b"),
    ("bibliotheque", r"mediatheque|bibliotheque|\bbiblio|ludotheque|\bbm\b"),
    ("mairie", r"\bmairie\b|hotel de ville|\bccas\b|\bcommune de\b|\bville de\b"),
    ("centre_social", r"centre social|centre socio|\bcsc\b|maison de quartier|\bmjc\b|maison pour tous|espace de vie sociale"),
    ("emploi", r"mission locale|pole emploi|france travail|\bpij\b|\bbij\b|information jeunesse"),
    ("epn", r"\bepn\b|cyber|espace public numerique|espace numerique|point numerique|salle multimedia|\bpin\b"),
    ("fablab", r"fab ?lab|tiers lieu|coworking|makerspace|repair"),
    ("poste", r"\bla poste\b|\bbureau de poste\b"),
    ("social_org", r"\bcaf\b|\bcpam\b|\bmsa\b|\bcarsat\b|maison departementale|\bmds\b|\bcms\b|solidarite"),
    ("interco", r"communaute de communes|\bcc\b|agglomeration|\bcca\b|\bcda\b|metropole|\bpays\b"),
]
GENERIC_WEB = ("facebook.", "google.", "wordpress.", "wixsite.", "free.fr", "orange.fr", "over-blog", "jimdo")


def fold(s):
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("œ", "oe").replace("æ", "ae").replace("’", " ").replace("'", " ")
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def tokens(s, expand=True):
    out = []
    for t in fold(s).split():
        t = ABBREV.get(t, t) if expand else t
        out.extend(t.split())
    return [t for t in out if t not in STOP]


def kinds(name):
    f = " ".join(tokens(name))
    return {k for k, rx in KINDS if re.search(rx, f)}


def jaccard(a, b):
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a and b else 0.0


def name_sim(a, b):
    import difflib
    ta, tb = tokens(a), tokens(b)
    seq = difflib.SequenceMatcher(None, " ".join(ta), " ".join(tb)).ratio() if ta and tb else 0.0
    return max(jaccard(ta, tb), seq)


def house_number(addr):
    m = re.match(r"\s*(\d+)\s*(bis|ter|b|t)?\b", fold(addr))
    return m.group(1) if m else ""


def street_tokens(addr):
    return [t for t in tokens(addr) if not t.isdigit() and t not in ("bis", "ter")]


def addr_sim(ra, rb):
    sa, sb = street_tokens(ra.get("adresse", "")), street_tokens(rb.get("adresse", ""))
    s = jaccard(sa, sb)
    # one address may carry a complement or the commune: compare the shorter against the longer
    if sa and sb:
        short, long_ = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
        s = max(s, 0.9 * len(set(short) & set(long_)) / len(set(short)))
    na, nb = house_number(ra.get("adresse", "")), house_number(rb.get("adresse", ""))
    if na and nb and na != nb:
        s *= 0.6
    return s


def dist_m(ra, rb):
    try:
        la1, lo1, la2, lo2 = (float(ra["latitude"]), float(ra["longitude"]), float(rb["latitude"]), float(rb["longitude"]))
    except (KeyError, TypeError, ValueError):
        return None
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371000 * math.asin(min(1.0, math.sqrt(h)))


def split_multi(v):
    return [x.strip().lower() for x in re.split(r"[|;]", v or "") if x.strip()]


def web_hosts(v):
    out = set()
    for u in split_multi(v):
        h = re.sub(r"^https?://", "", u).split("/")[0]
        h = h[4:] if h.startswith("www.") else h
        if h and not any(g in h for g in GENERIC_WEB):
            out.add(h)
    return out


def contacts(ra, rb):
    shared = []
    pa, pb = ra.get("telephone"), rb.get("telephone")
    if pa and pa == pb:
        shared.append("tel")
    if set(split_multi(ra.get("courriels"))) & set(split_multi(rb.get("courriels"))):
        shared.append("mail")
    sa, sb = (ra.get("pivot") or "").strip("0"), (rb.get("pivot") or "").strip("0")
    if sa and sa == sb:
        shared.append("siret")
    if web_hosts(ra.get("site_web")) & web_hosts(rb.get("site_web")):
        shared.append("web")
    return shared


def commune_tokens(r):
    return set(tokens(r.get("commune", ""))) | set(tokens(r.get("commune", ""), expand=False))


def features(ra, rb):
    ns = name_sim(ra["nom"], rb["nom"])
    ct = commune_tokens(ra) | commune_tokens(rb)
    core_a = [t for t in tokens(ra["nom"]) if t not in ct]
    core_b = [t for t in tokens(rb["nom"]) if t not in ct]
    return dict(name=ns, core=jaccard(core_a, core_b), addr=addr_sim(ra, rb), dist=dist_m(ra, rb),
                contacts=contacts(ra, rb), kinds=sorted(kinds(ra["nom"]) & kinds(rb["nom"])))


def stratum(f):
    d = f["dist"]
    near = d is not None and d < 300
    if f["name"] >= 0.9 and f["addr"] >= 0.9:
        return "a"
    if (f["name"] >= 0.6 and (f["addr"] >= 0.5 or near)) or (f["addr"] >= 0.8 and f["name"] >= 0.3) \
            or f["contacts"] or (d is not None and d < 50 and f["name"] >= 0.3):
        return "b"
    if f["kinds"] or f["core"] >= 0.4 or f["addr"] >= 0.8 or (d is not None and d < 200):
        return "c"
    return "d"


# ---------------------------------------------------------------------------------------------
# Store

def load(db):
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT p.source, p.id, COALESCE(NULLIF(p.record, ''), c.record) FROM places p"
        " LEFT JOIN change_log c ON c.seq = p.last_seq WHERE p.status = 'actif' ORDER BY p.source, p.id")
    by_source = collections.defaultdict(list)
    for source, pid, rec in rows:
        r = json.loads(rec)
        r["_key"] = (source, pid)
        by_source[source].append(r)
    return by_source


def read_sources():
    out = []
    with open(SOURCES_TSV, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            source, profile, path = line.rstrip("\n").split("\t")
            out.append((source, profile, path))
    return out


def build_db(db, maillage):
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    for source, profile, path in read_sources():
        cmd = [maillage, "import", "--db", db, "--source", source]
        if profile != "-":
            cmd += ["--profile", profile]
        cmd.append(os.path.join(SHARED, path))
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if res.returncode != 0:  # rejected records do not fail an import; anything else does
            sys.exit(f"import failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr[-2000:]}")


# ---------------------------------------------------------------------------------------------
# Sampling

def block_keys(r):
    keys = []
    if r.get("code_insee"):
        keys.append("i:" + r["code_insee"])
    cp = r.get("code_postal") or ""
    dep = cp[:3] if cp.startswith("97") or cp.startswith("98") else cp[:2]
    com = fold(r.get("commune"))
    com = re.sub(r"\b(cedex|arrondissement|\d+e(me|r)?)\b", " ", com).strip()
    if com:
        keys.append("c:" + dep + ":" + com)
    try:
        lat, lon = float(r["latitude"]), float(r["longitude"])
        keys.append("g:%d:%d" % (math.floor(lat / 0.005), math.floor(lon / 0.007)))
    except (KeyError, TypeError, ValueError):
        pass
    return keys


def cross_pairs(recs_a, recs_b):
    idx = collections.defaultdict(list)
    for j, r in enumerate(recs_b):
        for k in block_keys(r):
            idx[k].append(j)
    seen = set()
    for i, ra in enumerate(recs_a):
        for k in block_keys(ra):
            for j in idx.get(k, ()):
                if (i, j) in seen:
                    continue
                if k.startswith("g:"):  # the position block only pairs places < 300 m apart
                    d = dist_m(ra, recs_b[j])
                    if d is None or d >= 300:
                        continue
                seen.add((i, j))
                yield ra, recs_b[j]


def sample(db, seed):
    by_source = load(db)
    uses = collections.Counter()
    out = []
    drawn = set()
    draw(by_source, OVERLAPS, random.Random(seed), uses, drawn, out)
    draw(by_source, OVERLAPS_2, random.Random(seed + 1), uses, drawn, out)
    return out


def draw(by_source, overlaps, rng, uses, drawn, out):
    for sa, sb, quota, filt in overlaps:
        recs_a, recs_b = by_source.get(sa, []), by_source.get(sb, [])
        if filt:
            recs_b = [r for r in recs_b if filt(r)]
        strata = collections.defaultdict(list)
        for ra, rb in cross_pairs(recs_a, recs_b):
            f = features(ra, rb)
            strata[stratum(f)].append((ra, rb, f))
        for s in "abcd":
            pool = strata[s]
            # hard negatives: prefer the most confusable (weight by similarity), the others uniform
            if s == "c":
                pool.sort(key=lambda x: -(x[2]["name"] + x[2]["core"] + x[2]["addr"]))
                pool = pool[: max(quota[s] * 6, 30)]
            rng.shuffle(pool)
            n = 0
            for ra, rb, f in pool:
                if n >= quota[s]:
                    break
                # one place in at most two drawn pairs (one for the strata a and d), so the table is
                # not a few places repeated
                limit = 1 if s in "ad" else 2
                if uses[ra["_key"]] >= limit or uses[rb["_key"]] >= limit:
                    continue
                pk = (ra["_key"], rb["_key"])
                if pk in drawn:
                    continue
                drawn.add(pk)
                uses.update((ra["_key"], rb["_key"]))
                out.append((ra["_key"], rb["_key"], s, f))
                n += 1


def fmt_features(f):
    d = "-" if f["dist"] is None else "%.0f" % f["dist"]
    return "name=%.2f core=%.2f addr=%.2f dist=%s contacts=%s kinds=%s" % (
        f["name"], f["core"], f["addr"], d, ",".join(f["contacts"]) or "-", ",".join(f["kinds"]) or "-")


# ---------------------------------------------------------------------------------------------
# Reading and checking

SHOW_FIELDS = ["nom", "adresse", "complement_adresse", "code_postal", "commune", "code_insee", "pos", "pivot",
               "telephone", "courriels", "site_web", "typologie", "structure_parente", "source",
               "dispositif_programmes_nationaux", "services", "horaires", "presentation_resume", "presentation_detail"]
LONG_FIELDS = ("presentation_detail", "presentation_resume", "horaires", "services", "dispositif_programmes_nationaux")


def show(path, db, start, count, context=False):
    """Both records of each pair, one line per field: `=` the same value, `A:`/`B:` when they differ.
    With context, the other places of both sources in the same commune (is there another candidate?)."""
    by_key = {}
    by_commune = collections.defaultdict(list)
    for recs in load(db).values():
        for r in recs:
            by_key[r["_key"]] = r
            for k in block_keys(r)[:2]:
                by_commune[(r["_key"][0], k)].append(r)
    with open(path, encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if not l.startswith("#") and l.strip()]
    rows = [r for r in rows if r[:4] != COLUMNS[:4]]
    for n, row in enumerate(rows[start:start + count], start):
        ka, kb = (row[0], row[1]), (row[2], row[3])
        ra, rb = dict(by_key[ka]), dict(by_key[kb])
        for r in (ra, rb):
            r["pos"] = "%s,%s" % (r.get("latitude", ""), r.get("longitude", "")) if "latitude" in r else ""
            if r.get("pivot", "").strip("0") == "":
                r["pivot"] = ""
        print("#%d [%s] %s | A %s:%s | B %s:%s" % (n, row[4], fmt_features(features(ra, rb)), ka[0][:28], ka[1], kb[0][:28], kb[1]))
        for fld in SHOW_FIELDS:
            va, vb = str(ra.get(fld, "")), str(rb.get(fld, ""))
            if not va and not vb:
                continue
            if fld in LONG_FIELDS:
                va, vb = va[:110], vb[:110]
            if va == vb:
                print("   %s = %s" % (fld[:8], va))
            else:
                print("   %s A: %s\n   %s B: %s" % (fld[:8], va, " " * len(fld[:8]), vb))
        if context:
            for side, k, r0 in (("A", ka, ra), ("B", kb, rb)):
                others = {}
                for src in (ka[0], kb[0]):
                    for bk in block_keys(r0)[:2]:
                        for o in by_commune.get((src, bk), ()):
                            if o["_key"] not in (ka, kb):
                                others[o["_key"]] = o
                near = sorted(others.values(), key=lambda o: (dist_m(r0, o) is None, dist_m(r0, o) or 0))
                for o in near[:5]:
                    d = dist_m(r0, o)
                    print("   ~%s %s:%s %s | %s | %s | %s" % (side, o["_key"][0][:20], o["_key"][1], o["nom"], o.get("adresse", ""),
                                                       o.get("telephone", ""), "-" if d is None else "%.0fm" % d))
                break  # the two places share a commune as a rule: list it once


COLUMNS = ["source_a", "id_a", "source_b", "id_b", "label", "category", "note", "nom_a", "nom_b", "commune_a", "commune_b"]


def check(maillage, db=None):
    problems = []
    tmp = None
    if db is None:
        tmp = tempfile.mkdtemp(prefix="dedup-pairs-")
        db = os.path.join(tmp, "check.db")
        build_db(db, maillage)
    by_key = {}
    for recs in load(db).values():
        for r in recs:
            by_key[r["_key"]] = r
    sources = {s for s, _, _ in read_sources()}
    used_sources = set()
    seen = set()
    counts = collections.Counter()
    with open(PAIRS_TSV, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if cols == COLUMNS:
                continue
            if len(cols) != len(COLUMNS):
                problems.append(f"line {n}: {len(cols)} columns, expected {len(COLUMNS)}")
                continue
            row = dict(zip(COLUMNS, cols))
            ka, kb = (row["source_a"], row["id_a"]), (row["source_b"], row["id_b"])
            for k in (ka, kb):
                if k[0] not in sources:
                    problems.append(f"line {n}: source {k[0]} is not in dedup_sources.tsv")
                elif k not in by_key:
                    problems.append(f"line {n}: no place {k} in the store built from dedup_sources.tsv")
                used_sources.add(k[0])
            if ka[0] == kb[0]:
                problems.append(f"line {n}: both places come from {ka[0]}")
            if row["label"] not in ("meme", "different"):
                problems.append(f"line {n}: label {row['label']!r}")
            ok_cat = {"meme": ("evident", "proche"), "different": ("difficile", "facile")}.get(row["label"], ())
            if row["category"] not in ok_cat:
                problems.append(f"line {n}: category {row['category']!r} with label {row['label']!r}")
            if not row["note"]:
                problems.append(f"line {n}: no note")
            pair = tuple(sorted([ka, kb]))
            if pair in seen:
                problems.append(f"line {n}: pair listed twice")
            seen.add(pair)
            if ka in by_key and kb in by_key:
                if by_key[ka]["nom"] != row["nom_a"] or by_key[kb]["nom"] != row["nom_b"]:
                    problems.append(f"line {n}: nom_a/nom_b differ from the store")
            counts[(row["label"], row["category"])] += 1
    unused = sources - used_sources
    if unused:
        problems.append("sources listed but used by no pair: " + ", ".join(sorted(unused)))
    for p in problems:
        print("PROBLEM:", p)
    total = sum(counts.values())
    print(f"{total} pairs: " + ", ".join(f"{l}/{c} {v}" for (l, c), v in sorted(counts.items())))
    print("store checked:", db if tmp is None else "built from dedup_sources.tsv (removed)")
    if tmp is not None:
        shutil.rmtree(tmp)
    return 1 if problems else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--build-db", action="store_true", help="import the files of dedup_sources.tsv into --db")
    mode.add_argument("--sample", action="store_true", help="print candidate pairs (TSV) drawn from --db")
    mode.add_argument("--show", metavar="CANDIDATES", help="print pairs of a candidates or pairs TSV for reading")
    mode.add_argument("--check", action="store_true",
                      help="check dedup_pairs.tsv against a store built from dedup_sources.tsv alone")
    ap.add_argument("--db", help="SQLite store (for --check: reuse it instead of building a fresh one)")
    ap.add_argument("--maillage", default=os.path.join(ROOT, "build", "maillage"), help="the maillage binary")
    ap.add_argument("--seed", type=int, default=20240801)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--context", action="store_true", help="with --show: the other places of the commune")
    a = ap.parse_args()
    if (a.build_db or a.sample or a.show) and not a.db:
        ap.error("--db is required with --build-db, --sample and --show")
    if a.build_db:
        build_db(a.db, a.maillage)
    elif a.sample:
        print("# candidate pairs drawn by tools/dedup_pairs_sample.py --sample --seed %d" % a.seed)
        print("# source_a\tid_a\tsource_b\tid_b\tstratum\tfeatures")
        for ka, kb, s, f in sample(a.db, a.seed):
            print("\t".join([ka[0], ka[1], kb[0], kb[1], s, fmt_features(f)]))
    elif a.show:
        show(a.show, a.db, a.start, a.count, a.context)
    elif a.check:
        sys.exit(check(a.maillage, a.db))


if __name__ == "__main__":
    main()
