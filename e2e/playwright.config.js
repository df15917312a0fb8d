// Playwright drives Debian's Chromium (never a downloaded browser) against the release build
// in ../dist, served on loopback by serve.mjs with the single-page-app fallback.
// tests/server/ is its own project: those specs run the real omnidesk-server (fixtures/server.js,
// one per spec file, the file's tests in order) and ignore serve.mjs.
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4173);
// The build to test; ../dist unless E2E_DIST names another.
const dist = process.env.E2E_DIST ?? '../dist';

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
    { name: 'static', testIgnore: '**/server/**' },
    { name: 'server', testDir: './tests/server', fullyParallel: false },
  ],
  webServer: {
    command: `node serve.mjs ${dist} ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 20_000,
  },
});
