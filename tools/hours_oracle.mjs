#!/usr/bin/env node
// Builds tests/cases/hours_oracle.tsv: the answers of opening_hours.js (npm "opening_hours", the
// reference implementation, used here as a test oracle only) for a table of expressions, places
// and instants. tests/hours_oracle_test.cpp compares maillage's engine with it; no node is needed
// at test time.
//
//   node tools/hours_oracle.mjs            # writes tests/cases/hours_oracle.tsv
//
// Expressions: every distinct `horaires` (and `horaires_ouverture_osm`) value of ../shared/data
// (JSON, GeoJSON, CSV), plus generated expressions covering each feature of the syntax. Places:
// metropole, Alsace-Moselle, Corse and every overseas territory, each with its time zone, its
// coordinates and the Nominatim-like address opening_hours.js takes for holidays. Instants:
// ordinary days, public holidays (national and regional), year ends and daylight-saving changes.
// Each time zone is evaluated in a child process run with TZ set to it, since opening_hours.js
// reads local time from the JavaScript Date.
//
// Columns (tab-separated; \t, \n, \r and \\ escaped): expr, mode (0: opening_hours, 2: points in
// time allowed), insee, tz, lat, lon, at (local YYYY-MM-DDTHH:MM, or "-" for a rejected
// expression), state (open|closed|unknown|REJECT), next_change (local YYYY-MM-DDTHH:MM or "-").
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(path.join(root, 'package.json'));

// Places: INSEE code, zone, the state name opening_hours.js uses for holidays, coordinates.
const PLACES = {
  paris: { insee: '75056', tz: 'Europe/Paris', state: 'Île-de-France', lat: 48.8566, lon: 2.3522 },
  rennes: { insee: '35238', tz: 'Europe/Paris', state: 'Bretagne', lat: 48.1173, lon: -1.6778 },
  ajaccio: { insee: '2A004', tz: 'Europe/Paris', state: 'Corse', lat: 41.9192, lon: 8.7386 },
  strasbourg: { insee: '67482', tz: 'Europe/Paris', state: 'Bas-Rhin', lat: 48.5734, lon: 7.7521 },
  mulhouse: { insee: '68224', tz: 'Europe/Paris', state: 'Haut-Rhin', lat: 47.7508, lon: 7.3359 },
  metz: { insee: '57463', tz: 'Europe/Paris', state: 'Moselle', lat: 49.1193, lon: 6.1757 },
  pointe_a_pitre: { insee: '97120', tz: 'America/Guadeloupe', state: 'Guadeloupe', lat: 16.2411, lon: -61.5331 },
  fort_de_france: { insee: '97209', tz: 'America/Martinique', state: 'Martinique', lat: 14.6161, lon: -61.0588 },
  cayenne: { insee: '97302', tz: 'America/Cayenne', state: 'Guyane', lat: 4.9224, lon: -52.3135 },
  saint_denis: { insee: '97411', tz: 'Indian/Reunion', state: 'La Réunion', lat: -20.8823, lon: 55.4504 },
  saint_pierre: { insee: '97502', tz: 'America/Miquelon', state: 'Saint-Pierre-et-Miquelon', lat: 46.7811, lon: -56.1764 },
  mamoudzou: { insee: '97611', tz: 'Indian/Mayotte', state: 'Mayotte', lat: -12.7806, lon: 45.2279 },
  gustavia: { insee: '97701', tz: 'America/St_Barthelemy', state: 'Saint-Barthélemy', lat: 17.8962, lon: -62.8498 },
  marigot: { insee: '97801', tz: 'America/Marigot', state: 'Saint-Martin', lat: 18.0679, lon: -63.0825 },
  noumea: { insee: '98818', tz: 'Pacific/Noumea', state: 'Nouvelle-Calédonie', lat: -22.2758, lon: 166.458 },
  papeete: { insee: '98735', tz: 'Pacific/Tahiti', state: 'Polynésie française', lat: -17.5516, lon: -149.5585 },
  mata_utu: { insee: '98613', tz: 'Pacific/Wallis', state: 'Wallis-et-Futuna', lat: -13.2825, lon: -176.1745 },
};
const PLACE_NAMES = Object.keys(PLACES);

// Instants for generated expressions: a week, holidays (national, Alsace-Moselle, overseas),
// month and year ends, leap days, and the 2026 daylight-saving changes (29 March, 25 October).
const FEATURE_INSTANTS = [
  '2026-11-23T00:30', '2026-11-23T09:00', '2026-11-23T12:30', '2026-11-24T08:59', '2026-11-25T14:00',
  '2026-11-26T21:00', '2026-11-27T23:30', '2026-11-28T01:30', '2026-11-28T10:30', '2026-11-29T12:00',
  '2026-11-29T23:59', '2026-04-03T10:00', '2026-04-05T10:00', '2026-04-06T10:00', '2026-05-01T10:00',
  '2026-05-08T10:00', '2026-05-14T10:00', '2026-05-25T10:00', '2026-07-14T10:00', '2026-07-21T10:00',
  '2026-08-15T10:00', '2026-11-01T10:00', '2026-11-11T10:00', '2026-12-24T23:00', '2026-12-25T10:00',
  '2026-12-26T10:00', '2026-04-27T10:00', '2026-05-22T10:00', '2026-05-27T10:00', '2026-05-28T10:00',
  '2026-06-10T10:00', '2026-09-24T10:00', '2026-10-09T10:00', '2026-12-20T10:00', '2026-12-31T23:30',
  '2027-01-01T00:30', '2025-12-31T22:00', '2026-03-28T23:00', '2026-03-29T01:30', '2026-03-29T03:30',
  '2026-10-24T23:00', '2026-10-25T01:30', '2026-10-25T03:30', '2026-01-15T10:00', '2026-02-28T10:00',
  '2026-06-15T10:00', '2026-09-01T10:00', '2028-02-29T10:00', '2027-02-28T10:00', '2030-06-03T10:00',
];

// Instants for the real expressions: a few fixed ones and two drawn at random per expression.
const DATA_INSTANTS = [
  '2026-11-28T10:30', '2026-11-30T08:55', '2026-12-02T12:10', '2026-12-25T10:00', '2026-05-14T15:00',
  '2027-01-01T09:30', '2026-03-28T18:00', '2026-10-23T17:45',
];

// Generated expressions: every feature of the syntax. Mode 2 allows points in time.
const GENERATED = [
  '24/7', 'open', 'off', 'closed', 'unknown', '"sur rendez-vous"', '24/7 closed', 'Mo-Fr 09:00-17:00',
  'Mo-Fr 09:00-12:00,14:00-18:00', 'Sa-Mo 10:00-18:00', 'Mo,We,Fr 10:00-12:00', 'Su 10:00-12:00',
  'Mo-Fr 08:00-12:00; We off', 'Mo-Fr 08:00-18:00; We 12:00-14:00 off',
  'Mo-Fr 09:00-18:00; Sa 10:00-12:00 unknown', 'Mo-Fr 09:00-12:00, Sa 10:00-12:00',
  'Mo-Fr 09:00-12:00 || "sur rendez-vous"', 'Mo 10:00-12:00 || Tu 10:00-12:00 unknown',
  'Mo-Fr 10:00-18:00 "accueil"; Sa 10:00-12:00 "permanence"', 'Mo-Fr 10:00-12:00 open "accueil libre"',
  'Mo-Fr 09:00-18:00; PH off', 'Mo-Su 08:00-20:00; PH off', 'PH off', 'PH 10:00-12:00',
  'Mo-Fr 09:00-18:00; PH 10:00-12:00', 'Mo-Fr,PH 10:00-12:00', 'PH Mo-Fr 10:00-12:00',
  'Mo-Su 10:00-18:00; PH +1 day off', 'Mo-Su 10:00-18:00; PH -1 day 10:00-12:00',
  'Mo-Fr 08:30-12:00,13:30-17:30; PH,Sa off', 'Mo-Fr 09:00-12:00; Sa,Su,PH off',
  'Mo[1] 10:00-12:00', 'Su[-1] 10:00-12:00', 'Mo[1,3] 10:00-12:00', 'Mo[2-3] 14:00-17:00',
  'Sa[-1] 09:00-12:00', 'Su[-1] -1 day 10:00-12:00', 'Sa[1] +2 days 10:00-12:00',
  'Mo-Fr 09:00-17:00; We[2] off', 'Mo[5] 10:00-12:00',
  '2026 Mo-Fr 10:00-12:00', '2025-2026 Mo-Fr 10:00-12:00', '2024-2030/2 Mo-Fr 10:00-12:00',
  '2027+ Mo-Fr 10:00-12:00', '2026,2028 Sa 10:00-12:00',
  'Jan-Mar Mo-Fr 10:00-12:00', 'Nov-Feb Sa 10:00-12:00', 'Jun-Aug Mo-Fr 09:00-19:00; Sep-May Mo-Fr 09:00-17:00',
  'Jul,Aug off', 'Dec 24-Jan 02 off', 'Mo-Fr 09:00-17:00; Dec 24-Jan 02 off', 'Jan 05-10 10:00-12:00',
  'Jun 15-Sep 15 10:00-20:00', 'Feb 29 10:00-12:00', 'Feb 28-Mar 01 10:00-12:00', 'Jan 01,15 10:00-12:00',
  'Jan 01-31/2 10:00-12:00', '2026 Dec 24-2027 Jan 02 off', '2026 Jul 14 off', 'Dec 25 off',
  'Jan 10:00-12:00', 'Jan-Mar: Mo-Fr 10:00-12:00', 'Mo-Fr 09:00-18:00; Aug off; PH off',
  'Nov 23-29 09:00-12:00', 'Mo-Fr 09:00-18:00; Nov 25-Dec 05 off',
  'easter off', 'easter -2 days off', 'easter +1 day 10:00-12:00', 'Mo-Fr 09:00-18:00; easter off',
  'Mar Su[-1]-Oct Su[-1] Mo-Fr 08:00-20:00', 'Jan Su[1] 10:00-12:00', 'Nov Mo[4] 10:00-12:00',
  'week 01-53/2 Mo 10:00-12:00', 'week 02-52/2 Mo 10:00-12:00', 'week 10-20 Mo-Fr 09:00-12:00',
  'week 01,03,05 Sa 10:00-12:00', 'week 48 Sa 10:00-12:00', 'week 48-49 Mo-Fr 08:00-10:00',
  '22:00-02:00', 'Fr 22:00-02:00', 'Fr-Sa 20:00-26:00', 'Mo-Su 18:00-06:00', 'Sa 22:00-04:00; Su 10:00-12:00',
  'Fr 20:00-03:00; Sa 01:00-02:00 off', 'Mo 10:00-10:00', 'Mo 00:00-24:00', 'Mo 00:00-48:00',
  'Mo-Fr 00:00-24:00', 'Th 23:00-01:00; Fr 09:00-12:00',
  'Mo-Fr 10:00+', 'Mo-Fr 18:00+', 'Mo-Fr 23:00+', 'Mo-Fr 10:00-12:00+', 'Sa 14:00+; Su off',
  'sunrise-sunset', 'dawn-dusk', '(sunrise+01:00)-(sunset-01:00)', 'Mo-Fr sunrise-18:00', 'sunset-sunrise',
  'Mo-Su 07:00-sunset', '(sunset-00:30)-22:00', 'sunrise+',
  'Mo-Fr 09:00-12:00; 14:00-18:00', '09:00-12:00; 14:00-17:00', '10:00-12:00 Mo', 'Mo 9-12,13-18',
  'lundi 09:00-12:00', 'Mo 09.00-12.00', 'Mo-Fr 09:00-12:00 14:00-17:00', 'MO-FR 09:00-12:00',
  'Mo-Fr 09:00-18:00; Dec 25 off; easter off', 'Jan-Dec Mo-Fr 09:00-18:00',
  'Sa 02:00-03:30', 'Su 01:00-02:30', 'Su 02:15-02:45', 'Su 01:30-03:30', 'Su 02:30-04:00', 'Sa 23:00-02:30',
  'Mo 08:45-12:00-13:45', 'Mo-Fr 09:00-19:00; Sa 17:00', 'Feb 30 off', 'week 54', 'Mo[0] 10:00-12:00',
  'Mo 25:00-26:00', 'Du lundi au vendredi', 'Mo-Fr 09:00-12:00,', 'Mo 10:00-16:00/01:30', 'SH off',
  'Mo-Fr 09:00-18:00; SH off',
];
const GENERATED_MODE2 = ['Mo-Fr 10:00-16:00/01:30', 'Mo-Fr 09:00,17:00', 'Sa 10:00-12:00/00:30'];
// Expressions evaluated in every place (holidays and time zones differ).
const EVERYWHERE = new Set([
  'Mo-Su 08:00-20:00; PH off', 'PH off', 'Mo-Fr 09:00-18:00; PH off', 'PH Mo-Fr 10:00-12:00',
  'Mo-Su 10:00-18:00; PH +1 day off', 'sunrise-sunset', 'dawn-dusk', 'Mo-Fr 09:00-12:00,14:00-18:00',
  'Fr 22:00-02:00', 'easter off', 'Mo-Fr 10:00+',
]);

const escape = (s) => String(s).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function randomInstant(seed) {
  // A local time between 2025-01-01 and 2027-12-31, mostly in the day.
  let x = seed || 1;
  const next = () => (x = Math.imul(x ^ (x >>> 15), 2246822507) >>> 0, x ^= x >>> 13, x >>> 0);
  const day = next() % 1095;
  const minute = next() % 4 === 0 ? next() % 1440 : 420 + (next() % 780);
  const d = new Date(Date.UTC(2025, 0, 1 + day));
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
}

// Every distinct `horaires` value of ../shared/data, with the file it was first seen in.
function collectDataValues(dataDir) {
  const KEYS = new Set(['horaires', 'horaires_ouverture_osm']);
  const values = new Map();
  const add = (v, f) => { if (typeof v === 'string' && v.trim() && !values.has(v)) values.set(v, f); };
  const walk = (o, f) => {
    if (Array.isArray(o)) o.forEach((x) => walk(x, f));
    else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) KEYS.has(k.toLowerCase()) ? add(v, f) : walk(v, f);
  };
  const parseCsv = (text, sep) => {
    const rows = []; let row = [], field = '', quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) { if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false; } else field += c; }
      else if (c === '"') quoted = true;
      else if (c === sep) { row.push(field); field = ''; }
      else if (c === '\n') { row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = ''; }
      else field += c;
    }
    if (field || row.length) { row.push(field); rows.push(row); }
    return rows;
  };
  const files = (d) => fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => e.isDirectory() ? files(path.join(d, e.name)) : [path.join(d, e.name)]);
  for (const f of files(dataDir)) {
    if (/\.(geo)?json$/.test(f)) walk(JSON.parse(fs.readFileSync(f, 'utf8')), f);
    else if (f.endsWith('.csv')) {
      const text = fs.readFileSync(f, 'utf8');
      const first = text.slice(0, text.indexOf('\n'));
      const sep = first.split(';').length > first.split(',').length ? ';' : ',';
      const rows = parseCsv(text, sep);
      const columns = rows[0].map((h, i) => KEYS.has(h.trim().toLowerCase()) ? i : -1).filter((i) => i >= 0);
      for (const r of rows.slice(1)) for (const i of columns) add(r[i], f);
    }
  }
  return values;
}

function buildCases() {
  const cases = [];
  const dataDir = path.resolve(root, '..', 'shared', 'data');
  for (const [expr, file] of collectDataValues(dataDir)) {
    const place = /caledonie/.test(file) ? 'noumea'
      : hash(expr) % 10 < 6 ? 'paris' : PLACE_NAMES[hash(expr + '#') % PLACE_NAMES.length];
    const instants = [...DATA_INSTANTS, randomInstant(hash(expr)), randomInstant(hash(expr) ^ 0x5bd1e995)];
    for (const at of instants) cases.push({ expr, mode: 0, place, at });
  }
  for (const expr of GENERATED) {
    const places = EVERYWHERE.has(expr) ? PLACE_NAMES : ['paris'];
    // SH is refused by design (no school calendar): one instant is enough to show it.
    const instants = /\bSH\b/.test(expr) ? FEATURE_INSTANTS.slice(0, 1) : FEATURE_INSTANTS;
    for (const place of places) for (const at of instants) cases.push({ expr, mode: 0, place, at });
  }
  for (const expr of GENERATED_MODE2) for (const at of FEATURE_INSTANTS) cases.push({ expr, mode: 2, place: 'paris', at });
  return cases;
}

// Runs in a child process whose TZ is the cases' zone.
function worker() {
  const OpeningHours = require('opening_hours');
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const pad = (n) => String(n).padStart(2, '0');
  const local = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const parsed = new Map();
  const out = input.map((c) => {
    const p = PLACES[c.place];
    const key = c.expr + '\u0000' + c.mode + '\u0000' + c.place;
    if (!parsed.has(key)) {
      try {
        const nominatim = { lat: String(p.lat), lon: String(p.lon), address: { country_code: 'fr', state: p.state } };
        parsed.set(key, { oh: new OpeningHours(c.expr, nominatim, { mode: c.mode }) });
      } catch (e) {
        parsed.set(key, { error: String(e).split('\n')[0].slice(0, 200) });
      }
    }
    const entry = parsed.get(key);
    if (entry.error) return { reject: true };
    const [date, time] = c.at.split('T');
    const [y, m, d] = date.split('-').map(Number);
    const [hh, mm] = time.split(':').map(Number);
    const at = new Date(y, m - 1, d, hh, mm);
    try {
      const state = entry.oh.getStateString(at, true);
      // An explicit limit: without it the iterator's limit moves with each step and never ends
      // when only the comment changes ("PH off").
      const next = entry.oh.getNextChange(at, new Date(at.getTime() + 366 * 5 * 86400000));
      return { state, next: next ? local(next) : '-' };
    } catch (e) {
      return { state: 'ERROR', next: String(e).split('\n')[0].slice(0, 80) };
    }
  });
  process.stdout.write(JSON.stringify(out));
}

function runZone(tz, cases) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker'], {
      env: { ...process.env, TZ: tz }, stdio: ['pipe', 'pipe', 'inherit'],
    });
    let data = '';
    child.stdout.on('data', (chunk) => { data += chunk; });
    child.on('close', (code) => code === 0 ? resolve(JSON.parse(data)) : reject(new Error(`worker ${tz}: ${code}`)));
    child.stdin.end(JSON.stringify(cases));
  });
}

async function main() {
  const cases = buildCases();
  const byZone = new Map();
  for (const c of cases) {
    const tz = PLACES[c.place].tz;
    if (!byZone.has(tz)) byZone.set(tz, []);
    byZone.get(tz).push(c);
  }
  const lines = [];
  const rejected = new Set();
  for (const [tz, list] of byZone) {
    const results = await runZone(tz, list);
    list.forEach((c, i) => {
      const r = results[i];
      const p = PLACES[c.place];
      const head = [escape(c.expr), c.mode, p.insee, p.tz, p.lat, p.lon];
      if (r.reject) {
        const key = head.join('\t');
        if (!rejected.has(key)) lines.push([...head, '-', 'REJECT', '-'].join('\t'));
        rejected.add(key);
      } else {
        lines.push([...head, c.at, r.state, escape(r.next)].join('\t'));
      }
    });
  }
  lines.sort();
  const header = '# Generated by tools/hours_oracle.mjs from opening_hours.js ' +
    require('opening_hours/package.json').version + ' (test oracle). Do not edit.\n' +
    '# expr\tmode\tinsee\ttz\tlat\tlon\tat\tstate\tnext_change\n';
  const target = path.join(root, 'tests', 'cases', 'hours_oracle.tsv');
  fs.writeFileSync(target, header + lines.join('\n') + '\n');
  console.error(`hours_oracle: ${lines.length} rows (${rejected.size} rejected expression×place) -> ${path.relative(root, target)}`);
}

if (process.argv[2] === '--worker') worker();
else main().catch((e) => { console.error(e); process.exit(1); });
