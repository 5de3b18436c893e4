#!/usr/bin/env node
// Which places are open at given wall times, by the reference implementation of OSM
// opening_hours (npm package opening_hours), for the ouvert_le cases of
// tests/cases/search_queries.tsv. Called by tools/search_oracle.py; usable alone:
//
//   echo '[{"id":"454","horaires":"Tu-Fr 09:00-12:00","code_insee":"38416","lat":45.1,"lon":5.3}]' |
//     node tools/open_now_oracle.mjs 2026-06-02T10:00 2026-06-07T10:00
//
// Reads a JSON array of places on standard input, prints {"<wall time>": [ids open]}. The wall
// time is read in each place's own zone, as the API promises: Pacific/Noumea for New Caledonia
// (INSEE 988xx), Europe/Paris otherwise (the bundled data has no other overseas place). Public
// holidays (PH) are those of France, with the regional ones of New Caledonia and Alsace-Moselle.
// A place is open when the expression parses, its state is open and not unknown.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const OpeningHours = require('opening_hours');

function zoneOf(insee) {
  return insee && insee.startsWith('988') ? 'Pacific/Noumea' : 'Europe/Paris';
}

function stateOf(insee) {
  if (!insee) return undefined;
  if (insee.startsWith('988')) return 'Nouvelle-Calédonie';
  if (insee.startsWith('57')) return 'Moselle';
  if (insee.startsWith('67')) return 'Bas-Rhin';
  if (insee.startsWith('68')) return 'Haut-Rhin';
  return undefined;
}

function isOpen(place, wall) {
  const [date, time] = wall.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  // Dates are built in the process's zone, set to the place's zone below.
  const at = new Date(y, m - 1, d, hh, mm);
  const address = { country_code: 'fr' };
  const state = stateOf(place.code_insee);
  if (state) address.state = state;
  let oh;
  try {
    oh = new OpeningHours(place.horaires, { lat: place.lat ?? 46.5, lon: place.lon ?? 2.5, address });
  } catch {
    return false;
  }
  return oh.getState(at) === true && !oh.getUnknown(at);
}

const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const walls = process.argv.slice(2);
const out = Object.fromEntries(walls.map((w) => [w, []]));
for (const zone of ['Europe/Paris', 'Pacific/Noumea']) {
  process.env.TZ = zone;  // Node re-reads TZ when it changes
  for (const place of input) {
    if (!place.horaires || zoneOf(place.code_insee) !== zone) continue;
    for (const w of walls) if (isOpen(place, w)) out[w].push(place.id);
  }
}
process.stdout.write(JSON.stringify(out));
