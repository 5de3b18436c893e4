#!/usr/bin/env node
// Checks the running API against its OpenAPI 3.1 description: starts `maillage serve` (the
// binary given as argument) on a free port with a fresh database, calls every operation of
// /api/v1/openapi.json with representative parameters, errors included, and validates each
// response body against the schema the document gives for that operation, status and content
// type (Ajv, JSON Schema 2020-12). Fails on an undocumented status or content type, on a body
// that does not match, and on an operation or documented status that was never exercised
// (except those listed in NOT_EXERCISED).
//
//   node tests/openapi/check.mjs build/maillage        (registered in ctest as openapi_check)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const binary = process.argv[2];
if (!binary) {
  console.error('usage: node tests/openapi/check.mjs PATH/TO/maillage');
  process.exit(2);
}

// Statuses that a representative call cannot reach; said here so that nothing is skipped silently.
const NOT_EXERCISED = new Set([
  'GET /export/lieux.csv 429', 'GET /export/lieux.json 429', 'GET /export/lieux.geojson 429',
  'GET /territoires 429', 'GET /changements 429', 'GET /lieux/{id} 429', 'GET /sources 429',
  'GET /export/lieux.csv 304', 'GET /export/lieux.json 304', 'GET /export/lieux.json 400',
  'GET /export/lieux.geojson 400', 'GET /export/lieux-tableur.csv 429',
]);

// [operation path, request path and query, extra headers]
const CALLS = [
  ['/lieux', '/lieux?q=m%C3%A9diath%C3%A8ques&limite=5'],
  ['/lieux', '/lieux?autour=Marseille&rayon_km=10&tri=distance&facettes=departement,services,frais_a_charge'],
  ['/lieux', '/lieux?ouvert_le=2026-06-02T10:00&tri=nom&limite=50'],
  ['/lieux', '/lieux?ouvert=maintenant&limite=20'],
  ['/lieux', '/lieux?ouvert_jour=samedi&ouvert_jour=dimanche&facettes=ouvert,ouvert_jour,frais_a_charge'],
  ['/lieux', '/lieux?ouvert_jour=samedi%7Cdimanche&ouvert_le=2026-06-02T10:00&format=geojson&limite=5'],
  ['/lieux', '/lieux?ouvert_jour=sabato'],
  ['/lieux', '/lieux?services=Aide+aux+d%C3%A9marches+administratives&departement=13&tri=date_maj&limite=1000'],
  ['/lieux', '/lieux?departement=988&format=geojson&limite=100'],
  ['/lieux', '/lieux?autour=Martigues&rayon_km=2&format=geojson'],  // places at a commune's centroid
  ['/lieux', '/lieux?q=bibli&format=csv&limite=10'],
  ['/lieux', '/lieux?limite=1000&facettes=region,departement,typologie,source,code_postal'],
  ['/lieux', '/lieux?tri=prix'],
  ['/lieux', '/lieux?inconnu=1'],
  ['/lieux', '/lieux?%FF=1'],
  ['/lieux', '/lieux?curseur=pas-un-curseur'],
  ['/lieux', '/lieux?lat=43'],
  ['/lieux/{id}', '/lieux/454'],
  ['/lieux/{id}', '/lieux/20230516-hub-du-sud-lieux-de-mediation-numeriques-provence-alpes-cote-d-azur:dora-3d647b3a-a5b6-41f8-8374-ba37c1ff1746'],
  ['/lieux/{id}', '/lieux/3dda8fc2-b101-43df-be8e-0eca532c728b%7Caidants-connect-3082'],
  ['/lieux/{id}', '/lieux/20240320-nouvelle-caledonie-lieux-de-mediation-numeriques-nouvelle-caledonie:44'],
  ['/lieux/{id}', '/lieux/inconnu'],
  ['/territoires', '/territoires?q=angou'],
  ['/territoires', '/territoires?q=16000'],
  ['/territoires', '/territoires?q=noum'],
  ['/territoires', '/territoires'],
  ['/changements', '/changements?depuis=10&limite=3'],
  ['/changements', '/changements?depuis=2415'],
  ['/changements', '/changements?limite=beaucoup'],
  ['/sante', '/sante'],
  ['/openapi.json', '/openapi.json'],
  ['/export/lieux.csv', '/export/lieux.csv'],
  ['/export/lieux.json', '/export/lieux.json'],
  ['/export/lieux.geojson', '/export/lieux.geojson'],
  ['/export/lieux.json', '/export/lieux.json?doublons=inclure'],
  ['/export/lieux.csv', '/export/lieux.csv?doublons=jamais'],
  ['/export/lieux-tableur.csv', '/export/lieux-tableur.csv'],
  ['/export/lieux-tableur.csv', '/export/lieux-tableur.csv?doublons=jamais'],
  ['/sources', '/sources'],
];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startServer(db, extra) {
  const port = await freePort();
  // The six cartographie files, unmerged, as the other HTTP tests (ids and counts are stable).
  const sources = join(process.cwd(), 'tests/fixtures/sources-cartographie.toml');
  const child = spawn(binary, ['serve', '--db', db, '--port', String(port), '--sources', sources,
                               '--sans-dedoublonnage', ...extra],
                      { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}/api/v1`;
  for (let i = 0; i < 1800; i++) {  // up to 3 minutes (sanitizer builds on a busy machine)
    if (child.exitCode !== null) throw new Error(`maillage serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/sante`)).status === 200) return { child, base };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error('maillage serve did not start');
}

function stop(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', resolve);
    server.child.kill('SIGTERM');
  });
}

const pointer = (...parts) => parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

const failures = [];
const seen = new Set();
let validated = 0;

async function check(ajv, doc, base, opPath, requestPath, headers = {}) {
  const op = doc.paths[opPath]?.get;
  const label = `GET ${requestPath}`;
  if (!op) return failures.push(`${label}: the document has no GET ${opPath}`);
  const res = await fetch(base + requestPath, { headers });
  const status = String(res.status);
  seen.add(`GET ${opPath} ${status}`);
  const response = op.responses[status];
  if (!response) return failures.push(`${label}: status ${status} is not documented`);
  const body = await res.text();
  if (!response.content) {
    if (body.length) failures.push(`${label}: ${status} is documented without a body, got ${body.length} bytes`);
    return;
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!response.content[type]) {
    return failures.push(`${label}: content type ${type} is not documented for ${status} ` +
                         `(documented: ${Object.keys(response.content).join(', ')})`);
  }
  const ref = `openapi.json#/${pointer('paths', opPath, 'get', 'responses', status, 'content', type, 'schema')}`;
  const validate = ajv.getSchema(ref);
  let value = body;
  if (type.endsWith('json')) {
    try {
      value = JSON.parse(body);
    } catch (e) {
      return failures.push(`${label}: ${status} body is not JSON: ${e.message}`);
    }
  }
  validated++;
  if (!validate(value)) {
    const errors = validate.errors.slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`).join('\n    ');
    failures.push(`${label}: ${status} ${type} does not match its schema:\n    ${errors}`);
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'maillage-openapi-'));
  const db = join(dir, 'm.db');
  try {
    let server = await startServer(db, ['--rate-limit', '0']);
    const doc = await (await fetch(`${server.base}/openapi.json`)).json();
    if (doc.openapi !== '3.1.0') failures.push(`openapi is ${doc.openapi}, not 3.1.0`);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi.json');
    // The validator itself: a body the document does not allow must be refused.
    const searchSchema = ajv.getSchema(`openapi.json#/${pointer('paths', '/lieux', 'get', 'responses', '200',
                                                              'content', 'application/json', 'schema')}`);
    if (searchSchema({ total: -1, resultats: [{}], facettes: {}, curseur_suivant: 3 }))
      failures.push('the schema of GET /lieux 200 accepts a malformed body: the check would prove nothing');
    for (const [opPath, requestPath] of CALLS) await check(ajv, doc, server.base, opPath, requestPath);
    // 304: the same request with the ETag it was given.
    for (const [opPath, requestPath] of [['/lieux', '/lieux?q=mediatheque'], ['/lieux/{id}', '/lieux/454'],
                                         ['/export/lieux.geojson', '/export/lieux.geojson'],
                                         ['/export/lieux-tableur.csv', '/export/lieux-tableur.csv']]) {
      const etag = (await fetch(server.base + requestPath)).headers.get('etag');
      if (!etag) failures.push(`GET ${requestPath}: no ETag`);
      else await check(ajv, doc, server.base, opPath, requestPath, { 'If-None-Match': etag });
    }
    await stop(server);
    // 429: the same database with a limit of 4 requests a minute (a burst of one).
    server = await startServer(db, ['--rate-limit', '4']);
    for (let i = 0; i < 3; i++) await check(ajv, doc, server.base, '/lieux', '/lieux?limite=1');
    await stop(server);

    for (const [opPath, item] of Object.entries(doc.paths)) {
      if (!item.get) continue;
      for (const status of Object.keys(item.get.responses)) {
        const key = `GET ${opPath} ${status}`;
        if (!seen.has(key) && !NOT_EXERCISED.has(key)) failures.push(`${key}: documented, never exercised`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`openapi check: ${validated} responses validated against data/api/openapi.json`);
  if (failures.length) {
    console.log(`${failures.length} failure(s):\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
