// The shell of ui-contract.md in the release build: the Sessions tablist with the Home tab
// that can't be closed, its Dashboard application tab, keyboard focus and a clean axe audit.
import { test, expect } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { WorkspacePage } from '../pages/workspace.js';
import { axeViolations } from '../pages/axe.js';

test('Home is the first session tab, selected, with its Dashboard', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await expect(app.sessions.getByRole('tab').first()).toHaveAccessibleName('Home');
  await expect(app.homeTab).toHaveAttribute('aria-selected', 'true');
  await expect(app.dashboardTab).toHaveAttribute('aria-selected', 'true');
  const panel = await app.panelOf(app.dashboardTab);
  await expect(panel).toHaveRole('tabpanel');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { level: 1 })).toHaveText('Agent dashboard');
});

test('Home has no close control', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await expect(page.getByRole('button', { name: /^Close Home/ })).toHaveCount(0);
  await app.homeTab.focus();
  await page.keyboard.press('Delete');
  await expect(app.homeTab).toBeVisible();
});

test('deep links load the app', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto('/session/3?sim=off');
  await expect(app.homeTab).toBeVisible();
});

test('keyboard: Tab reaches Presence, the Home tab, then the Dashboard tab', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await page.keyboard.press('Tab'); // the Presence button in the top bar comes first
  await page.keyboard.press('Tab');
  await expect(app.homeTab).toBeFocused();
  await page.keyboard.press('ArrowDown'); // one session: focus stays on Home
  await expect(app.homeTab).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(app.dashboardTab).toBeFocused();
});

for (const scheme of ['light', 'dark']) {
  test(`axe: no WCAG 2.2 A/AA or best-practice violation (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const app = new WorkspacePage(page);
    await app.goto();
    await mkdir('screenshots', { recursive: true });
    await page.screenshot({ path: `screenshots/home-${scheme}.png`, fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
  });
}

test('?server=URL in the standalone demo opens that server\'s app', async ({ page }) => {
  const server = 'http://127.0.0.1:9/';
  await page.route(`${server}**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>the server app</title><p>server app</p>' }),
  );
  await page.goto(`/?server=${encodeURIComponent(server)}`);
  await expect(page).toHaveURL(server);
  await expect(page.getByText('server app')).toBeVisible();
});
