// Playwright drives Debian's Chromium (never a downloaded browser) against the release builds:
// - `static`: ../dist served on loopback by serve.mjs (with the single-page-app fallback);
// - `subpath`: ../dist-subpath (built with --public-url /omnidesk/) on static-host.mjs, a host
//   like GitHub Pages (files as they are, 404.html with status 404);
// - `server`: tests/server/, against the real omnidesk-server (fixtures/server.js, one per spec
//   file, the file's tests in order); they ignore the static servers.
// Every spec imports `test` from fixtures/test.js, which fails a test on any uncaught page
// error or console.error.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
const subpathPort = Number(process.env.E2E_SUBPATH_PORT ?? 4174);
// The builds to test; ../dist and ../dist-subpath unless E2E_DIST / E2E_SUBPATH_DIST name others.
const dist = process.env.E2E_DIST ?? '../dist';
const subpathDist = process.env.E2E_SUBPATH_DIST ?? '../dist-subpath';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'static', testIgnore: ['**/server/**', '**/subpath/**'] },
    {
      name: 'subpath',
      testDir: './tests/subpath',
      use: { baseURL: `http://127.0.0.1:${subpathPort}` },
    },
    { name: 'server', testDir: './tests/server', fullyParallel: false },
  ],
  webServer: [
    {
      command: `node serve.mjs ${dist} ${port}`,
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 20_000,
    },
    {
      command: `node static-host.mjs ${subpathDist} ${subpathPort}`,
      url: `http://127.0.0.1:${subpathPort}/omnidesk/`,
      reuseExistingServer: false,
      timeout: 20_000,
    },
  ],
});
