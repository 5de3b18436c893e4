#!/usr/bin/env node
// Builds the territory reference committed under data/territoire/ (communes.tsv,
// departements.tsv, regions.tsv) from two sources:
//   - <shared>/data/communes/france_cities_2022.csv and france_overseas_collectivities_2022.csv
//     (INSEE code, name, département, région, postal codes, centroid);
//   - node_modules/@etalab/decoupage-administratif/data/{communes,departements,regions,epci}.json
//     (current names and types, communes déléguées/associées, population, EPCI).
// The output is deterministic: same inputs, same bytes. See data/territoire/README.md.
//
// Usage: node tools/build_territory.mjs [--shared DIR] [--out DIR] [--check]
//   --shared DIR  the shared data folder (default: ../shared relative to the repository root)
//   --out DIR     where to write (default: data/territoire under the repository root)
//   --check       build in memory and exit 1 if the committed files differ

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const TYPES = {
  'commune-actuelle': 'commune',
  'arrondissement-municipal': 'arrondissement',
  'commune-deleguee': 'commune_deleguee',
  'commune-associee': 'commune_associee',
};
const TYPE_RANK = { commune: 0, arrondissement: 1, commune_deleguee: 2, commune_associee: 3 };

function parseArgs(argv) {
  const args = { shared: path.resolve(repoRoot, '..', 'shared'), out: path.join(repoRoot, 'data', 'territoire'), check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') args.check = true;
    else if (a === '--shared' && i + 1 < argv.length) args.shared = path.resolve(argv[++i]);
    else if (a === '--out' && i + 1 < argv.length) args.out = path.resolve(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node tools/build_territory.mjs [--shared DIR] [--out DIR] [--check]');
      process.exit(0);
    } else {
      console.error(`build_territory: argument inconnu « ${a} »`);
      process.exit(2);
    }
  }
  return args;
}

// RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into an array of objects.
function readCsv(file) {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  const header = rows.shift();
  return rows.filter((r) => r.length > 1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// Name comparison key for matching the 2022 CSV rows to current entries: lower case, no accents,
// every non-alphanumeric run as one space (the same idea as maillage::text::fold_key).
function nameKey(name) {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/œ/g, 'oe').replace(/æ/g, 'ae')
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function formatCoordinate(x) {
  return Number(x).toFixed(6);
}

function loadSources(shared) {
  const communesDir = path.join(shared, 'data', 'communes');
  const csvRows = [
    ...readCsv(path.join(communesDir, 'france_cities_2022.csv')),
    ...readCsv(path.join(communesDir, 'france_overseas_collectivities_2022.csv')),
  ];
  const csv = new Map();
  for (const r of csvRows) {
    if (!/^[0-9][0-9AB][0-9]{3}$/.test(r.REF_INSEE)) throw new Error(`code INSEE invalide dans le CSV : ${r.REF_INSEE}`);
    if (csv.has(r.REF_INSEE)) throw new Error(`code INSEE en double dans le CSV : ${r.REF_INSEE}`);
    if (!Number.isFinite(Number.parseFloat(r.LATITUDE)) || !Number.isFinite(Number.parseFloat(r.LONGITUDE))) {
      throw new Error(`coordonnées manquantes dans le CSV : ${r.REF_INSEE}`);
    }
    csv.set(r.REF_INSEE, r);
  }
  const dataDir = path.join(repoRoot, 'node_modules', '@etalab', 'decoupage-administratif', 'data');
  return {
    csv,
    communes: readJson(path.join(dataDir, 'communes.json')),
    departements: readJson(path.join(dataDir, 'departements.json')),
    regions: readJson(path.join(dataDir, 'regions.json')),
    epci: readJson(path.join(dataDir, 'epci.json')),
  };
}

function csvPostalCodes(row) {
  return row ? row.ZIP_CODES.split(/[,|; ]+/).filter((z) => /^[0-9]{5}$/.test(z)) : [];
}

function buildEntries(src, notes) {
  // Collectivités d'outre-mer are listed by decoupage-administratif as their own "région";
  // INSEE does not group them in régions, so their communes get an empty région.
  const comCodes = new Set(src.regions.filter((r) => r.zone === 'com').map((r) => r.code));
  const epciOf = new Map();
  for (const e of src.epci) for (const m of e.membres) epciOf.set(m.code, e);

  const entries = src.communes.map((c) => {
    const type = TYPES[c.type];
    if (!type) throw new Error(`type inconnu ${c.type} pour ${c.code}`);
    return {
      code: c.code,
      nom: c.nom,
      type,
      parent: type === 'arrondissement' ? c.commune : type === 'commune' ? '' : c.chefLieu,
      departement: c.departement,
      region: comCodes.has(c.region) ? '' : c.region,
      codes: new Set(c.codesPostaux ?? []),
      lat: null,
      lon: null,
      population: Number.isInteger(c.population) ? String(c.population) : '',
      anciensCodes: c.anciensCodes ?? [],
    };
  });
  const principal = new Map();
  for (const e of entries) if (e.type === 'commune' || e.type === 'arrondissement') principal.set(e.code, e);
  for (const e of entries) {
    if (e.parent && !principal.has(e.parent)) throw new Error(`${e.code} : parent ${e.parent} inconnu`);
  }

  // Centroids and postal codes of the CSV. A principal entry takes its own row. A délégué or
  // associé takes the row of its code only when that code is not also a current commune and the
  // names agree (else the row describes the 2022 commune it belonged to).
  const usedRows = new Set();
  for (const e of entries) {
    const row = src.csv.get(e.code);
    if (!row) continue;
    const own = principal.get(e.code) === e || (!principal.has(e.code) && nameKey(row.NAME) === nameKey(e.nom));
    if (!own) continue;
    if (row.DEPARTMENT !== e.departement) throw new Error(`${e.code} : département ${row.DEPARTMENT} ≠ ${e.departement}`);
    for (const z of csvPostalCodes(row)) e.codes.add(z);
    e.lat = row.LATITUDE;
    e.lon = row.LONGITUDE;
    usedRows.add(e.code);
  }

  // Principal communes missing from the 2022 CSV (created or restored since): borrow a row.
  for (const e of principal.values()) {
    if (e.lat !== null) continue;
    const borrowed = borrowCentroid(e, src.csv, principal, entries);
    e.lat = borrowed.lat;
    e.lon = borrowed.lon;
    notes.push(`${e.code} ${e.nom} : centroïde ${borrowed.how}`);
    if (borrowed.row) usedRows.add(borrowed.row);
  }
  for (const e of entries) {
    if (e.lat !== null) continue;
    const p = principal.get(e.parent);
    e.lat = p.lat;
    e.lon = p.lon;
  }

  const currentCodes = new Set(entries.map((e) => e.code));
  for (const [code, row] of src.csv) {
    if (!currentCodes.has(code) && !usedRows.has(code)) {
      const into = entries.find((e) => e.type === 'commune' && e.anciensCodes.includes(code));
      notes.push(`${code} ${row.NAME} : commune de 2022 disparue${into ? ` (fusionnée dans ${into.code} ${into.nom})` : ''}, non reprise`);
    }
  }

  for (const e of entries) {
    const p = e.type === 'commune' ? e : principal.get(e.parent);
    const epci = epciOf.get(p.code);
    e.epci = epci ? epci.code : '';
    e.epci_nom = epci ? epci.nom : '';
  }
  entries.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : TYPE_RANK[a.type] - TYPE_RANK[b.type]));
  return entries;
}

// Centroid of a current commune that the 2022 CSV does not know: the 2022 row of the same name
// in the same département (a commune nouvelle that changed code), else a row of one of its former
// codes or délégués, else the mean of the 2022 communes sharing one of its postal codes.
function borrowCentroid(e, csv, principal, entries) {
  const key = nameKey(e.nom);
  const sameName = [...csv.values()].filter((r) => r.DEPARTMENT === e.departement && nameKey(r.NAME) === key &&
    !(principal.has(r.REF_INSEE) && nameKey(principal.get(r.REF_INSEE).nom) === key));
  if (sameName.length > 0) {
    const r = sameName[0];
    return { lat: r.LATITUDE, lon: r.LONGITUDE, row: r.REF_INSEE, how: `repris de la ligne 2022 ${r.REF_INSEE} « ${r.NAME} »` };
  }
  const related = [...e.anciensCodes, ...entries.filter((x) => x.parent === e.code).map((x) => x.code)]
    .filter((c) => csv.has(c)).sort();
  if (related.length > 0) {
    const r = csv.get(related[0]);
    return { lat: r.LATITUDE, lon: r.LONGITUDE, row: r.REF_INSEE, how: `repris de l'ancienne commune ${r.REF_INSEE} « ${r.NAME} »` };
  }
  const near = [...csv.values()].filter((r) => r.DEPARTMENT === e.departement && principal.has(r.REF_INSEE) &&
    csvPostalCodes(r).some((z) => e.codes.has(z)));
  if (near.length === 0) throw new Error(`${e.code} ${e.nom} : aucun centroïde possible`);
  const mean = (f) => near.reduce((s, r) => s + Number.parseFloat(r[f]), 0) / near.length;
  return { lat: String(mean('LATITUDE')), lon: String(mean('LONGITUDE')), how: `approché : moyenne des ${near.length} communes de même code postal` };
}

function tsv(header, rows) {
  const lines = [header.join('\t')];
  for (const row of rows) {
    for (const f of row) if (/[\t\n\r]/.test(f)) throw new Error(`tabulation ou fin de ligne dans « ${f} »`);
    lines.push(row.join('\t'));
  }
  return lines.join('\n') + '\n';
}

function build(src, notes) {
  const entries = buildEntries(src, notes);
  const communes = tsv(
    ['code_insee', 'nom', 'type', 'parent', 'departement', 'region', 'codes_postaux', 'latitude', 'longitude',
      'population', 'epci', 'epci_nom'],
    entries.map((e) => [e.code, e.nom, e.type, e.parent, e.departement, e.region, [...e.codes].sort().join('|'),
      formatCoordinate(e.lat), formatCoordinate(e.lon), e.population, e.epci, e.epci_nom]));
  const comCodes = new Set(src.regions.filter((r) => r.zone === 'com').map((r) => r.code));
  const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const departements = tsv(['code', 'nom', 'region'],
    [...src.departements].sort(byCode).map((d) => [d.code, d.nom, comCodes.has(d.region) ? '' : d.region]));
  const regions = tsv(['code', 'nom'],
    src.regions.filter((r) => !comCodes.has(r.code)).sort(byCode).map((r) => [r.code, r.nom]));
  return { 'communes.tsv': communes, 'departements.tsv': departements, 'regions.tsv': regions };
}

function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `ligne ${i + 1} : attendu « ${lb[i] ?? '(fin)'} », trouvé « ${la[i] ?? '(fin)'} »`;
  }
  return '';
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const notes = [];
  const files = build(loadSources(args.shared), notes);
  if (args.check) {
    let ok = true;
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(args.out, name);
      const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
      if (committed === null) {
        console.error(`${file} : absent`);
        ok = false;
      } else if (committed !== content) {
        console.error(`${file} : diffère de la reconstruction, ${firstDifference(committed, content)}`);
        ok = false;
      }
    }
    if (!ok) {
      console.error('build_territory --check : relancer « node tools/build_territory.mjs » et committer data/territoire');
      process.exit(1);
    }
    console.log('build_territory --check : data/territoire est à jour');
    return;
  }
  fs.mkdirSync(args.out, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(args.out, name), content);
  for (const n of notes) console.log(n);
  const rows = files['communes.tsv'].split('\n').length - 2;
  console.log(`build_territory : ${rows} entrées écrites dans ${path.relative(repoRoot, args.out) || '.'}`);
}

main();
