// The shell of ui-contract.md in the release build: the Sessions tablist with the Home tab
// that can't be closed, its Dashboard application tab, keyboard focus and a clean axe audit.
import { test, expect } from '../fixtures/test.js';
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

test('Home has no close control, a conversation session has one', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.setPresence('Away');
  const name = await app.simulate('chat');
  await app.pick(name).click();
  await app.action(app.my, 'Open', name).click();
  await expect(page.getByRole('button', { name: /^Close / })).toHaveCount(1);
  await expect(page.getByRole('button', { name: `Close ${name}`, exact: true })).toBeVisible();
  await app.homeTab.click();
  await app.homeTab.focus();
  await page.keyboard.press('Delete');
  await expect(app.homeTab).toBeVisible();
  await expect(app.sessionTab(name)).toHaveCount(1);
});

test('keyboard: Tab reaches Supervisor, Presence, the Home tab, then the Dashboard tab', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await page.keyboard.press('Tab'); // the top bar's Supervisor link comes first (issue 14)
  await expect(app.supervisorLink).toBeFocused();
  await page.keyboard.press('Tab'); // then the Presence button
  await expect(app.presenceButton).toBeFocused();
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
