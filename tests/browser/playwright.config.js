// Browser tests of the public pages (Playwright with Debian's chromium, never a downloaded
// browser). `make test-browser` runs them; `make screenshots` runs screenshots.spec.js only.
// The server is the real `maillage serve` on a database of the bundled dataset, without map tiles
// (no network).
const path = require('path');
const { defineConfig } = require('@playwright/test');

const root = path.resolve(__dirname, '../..');
const build = process.env.MAILLAGE_BUILD_DIR || path.join(root, 'build');
const port = Number(process.env.MAILLAGE_BROWSER_PORT || 18473);
const db = path.join(build, 'browser-tests', 'maillage.db');
// orientation.spec.js signs up on a server of its own: the sign-ups of the other journeys use up
// the per-address sign-up limit of the first one (all browsers are 127.0.0.1).
const orientationPort = port + 1;
const orientationDb = path.join(build, 'browser-tests', 'orientation.db');
const serve = (file, onPort) => `rm -f "${file}" "${file}-wal" "${file}-shm" && mkdir -p "${path.dirname(file)}" && "${path.join(build, 'maillage')}" serve --db "${file}" --port ${onPort} --tuiles "" --sources tests/fixtures/sources-cartographie.toml --sans-dedoublonnage`;
const screenshots = !!process.env.MAILLAGE_SCREENSHOTS;

module.exports = defineConfig({
  testDir: __dirname,
  testMatch: screenshots ? ['screenshots.spec.js'] : ['*.spec.js'],
  testIgnore: screenshots ? [] : ['screenshots.spec.js'],
  outputDir: path.join(build, 'browser-tests', 'results'),
  timeout: 30000,
  expect: { timeout: 10000 },
  // Two browsers at a time: the machines have two cores, the server is a third process.
  fullyParallel: true,
  workers: 2,
  // One retry: a test that passes only on retry is reported as flaky, not hidden.
  retries: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
  },
  // A fresh database every run: tests edit places and sign up accounts, and a second run on the
  // same database would meet their traces (and the sign-up rate limit).
  webServer: [
    { command: serve(db, port), url: `http://127.0.0.1:${port}/api/v1/sante`, cwd: root,
      reuseExistingServer: false, timeout: 180000, stdout: 'ignore', stderr: 'pipe' },
    ...(screenshots ? [] : [
      { command: serve(orientationDb, orientationPort),
        url: `http://127.0.0.1:${orientationPort}/api/v1/sante`, cwd: root,
        reuseExistingServer: false, timeout: 180000, stdout: 'ignore', stderr: 'pipe' }]),
  ],
});
