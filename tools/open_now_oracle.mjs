#!/usr/bin/env node
// Which places are open when, by the reference implementation of OSM opening_hours (npm package
// opening_hours), for the opening cases of tests/cases/search_queries.tsv (ouvert_le, ouvert,
// ouvert_jour). Called by tools/search_oracle.py; usable alone:
//
//   echo '[{"id":"454","horaires":"Tu-Sa 09:00-12:00","code_insee":"38416","lat":45.1,"lon":5.3}]' |
//     node tools/open_now_oracle.mjs 2026-06-02T10:00 @2026-06-02T08:00Z samedi@2026-06-02T08:00Z
//
// Reads a JSON array of places on standard input and prints {"<spec>": [ids open]}, one entry
// per argument. A spec is one of:
//
//   2026-06-02T10:00            a wall time, read in each place's own zone (ouvert_le);
//   @2026-06-02T08:00Z          an instant, UTC (ouvert=maintenant at that instant);
//   samedi@2026-06-02T08:00Z    a day (ouvert_jour=samedi seen from that instant): the place is
//                               open at some moment of the next local Saturday of its own zone,
//                               today included and taken whole (00:00 to 24:00, even the hours
//                               already past), public holidays as its hours say.
//
// Zones: Pacific/Noumea for New Caledonia (INSEE 988xx), Europe/Paris otherwise (the bundled
// data has no other overseas place). Public holidays (PH) are those of France, with the regional
// ones of New Caledonia and Alsace-Moselle. A place is open when the expression parses and its
// state is open, not unknown.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const OpeningHours = require('opening_hours');

const DAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];  // Date.getDay()

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

function hoursOf(place) {
  const address = { country_code: 'fr' };
  const state = stateOf(place.code_insee);
  if (state) address.state = state;
  try {
    return new OpeningHours(place.horaires, { lat: place.lat ?? 46.5, lon: place.lon ?? 2.5, address });
  } catch {
    return null;
  }
}

// Dates are built in the process's zone, which is set to the place's zone below.
function isOpen(oh, spec) {
  const day = spec.match(/^([a-z]+)@(.+)$/);
  if (day) {
    const now = new Date(day[2]);
    const ahead = (DAYS.indexOf(day[1]) - now.getDay() + 7) % 7;
    const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() + ahead, 0, 0);
    const to = new Date(now.getFullYear(), now.getMonth(), now.getDate() + ahead + 1, 0, 0);
    return oh.getOpenIntervals(from, to).some((interval) => !interval[2]);
  }
  let at;
  if (spec.startsWith('@')) {
    at = new Date(spec.slice(1));
  } else {
    const [date, time] = spec.split('T');
    const [y, m, d] = date.split('-').map(Number);
    const [hh, mm] = time.split(':').map(Number);
    at = new Date(y, m - 1, d, hh, mm);
  }
  return oh.getState(at) === true && !oh.getUnknown(at);
}

const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const specs = process.argv.slice(2);
for (const spec of specs) {
  const day = spec.match(/^([a-z]+)@/);
  if (day && !DAYS.includes(day[1])) throw new Error(`unknown day in ${spec}`);
}
const out = Object.fromEntries(specs.map((s) => [s, []]));
for (const zone of ['Europe/Paris', 'Pacific/Noumea']) {
  process.env.TZ = zone;  // Node re-reads TZ when it changes
  for (const place of input) {
    if (!place.horaires || zoneOf(place.code_insee) !== zone) continue;
    const oh = hoursOf(place);
    if (!oh) continue;
    for (const spec of specs) if (isOpen(oh, spec)) out[spec].push(place.id);
  }
}
process.stdout.write(JSON.stringify(out));
