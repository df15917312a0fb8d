// The addresses of ui-contract.md ("Addresses"), in the release build: each session has its
// own, selecting one adds a history entry (arrow keys and closing replace it), Back and
// Forward move between sessions (a closed one opens again), a reload shows the same screen,
// the address wins over the saved selection, ?reset is applied once and dropped, ?sim stays,
// and unknown addresses say so.
import { test, expect } from '../fixtures/test.js';
import { WorkspacePage } from '../pages/workspace.js';
import { axeViolations } from '../pages/axe.js';

const session = (id) => new RegExp(`/session/${id}\\?sim=off$`);
const home = /\/\?sim=off$/;

/** Two picked conversations of the agent, a and b, with their item ids. */
async function twoOfMine(app) {
  await app.setPresence('Away');
  const a = await app.simulate('chat');
  const b = await app.simulate('sms');
  await app.pick(a).click();
  await app.pick(b).click();
  await expect(app.action(app.my, 'Open', b)).toBeVisible();
  return { a, b };
}

async function idOf(app, name) {
  const id = await app.sessionTab(name).getAttribute('id');
  return id.slice('session-tab-'.length);
}

test('?reset is applied once, then dropped from the address; ?sim stays', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto('/?sim=off&reset&seed=4');
  await expect(page).toHaveURL(/\/\?sim=off&seed=4$/);
  await app.setPresence('Away');
  const name = await app.simulate('chat');
  await expect.poll(() => app.savedSnapshotFormat()).toBe(3);
  await page.reload();
  // Not reset again: the conversation is still there.
  await expect(app.pick(name)).toBeVisible();
});

test('selecting sessions adds history entries; Back and Forward move between them', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const { a, b } = await twoOfMine(app);
  await app.action(app.my, 'Open', a).click();
  const idA = await idOf(app, a);
  await expect(page).toHaveURL(session(idA));
  await app.homeTab.click();
  await expect(page).toHaveURL(home);
  await app.action(app.my, 'Open', b).click();
  const idB = await idOf(app, b);
  await expect(page).toHaveURL(session(idB));
  await expect(app.sessionTab(b)).toHaveAttribute('aria-selected', 'true');

  await page.goBack();
  await expect(page).toHaveURL(home);
  await expect(app.homeTab).toHaveAttribute('aria-selected', 'true');
  await page.goBack();
  await expect(page).toHaveURL(session(idA));
  await expect(app.sessionTab(a)).toHaveAttribute('aria-selected', 'true');
  await page.goForward();
  await page.goForward();
  await expect(page).toHaveURL(session(idB));
  await expect(app.sessionTab(b)).toHaveAttribute('aria-selected', 'true');

  // Ctrl+Alt+2 selects the second tab (a) with a new entry.
  await page.keyboard.press('Control+Alt+Digit2');
  await expect(page).toHaveURL(session(idA));
  await page.goBack();
  await expect(page).toHaveURL(session(idB));

  // A reload shows the same screen.
  await page.reload();
  await expect(app.sessionTab(b)).toHaveAttribute('aria-selected', 'true');
  await expect(app.conversation).toBeVisible();
});

test('arrow keys and closing the selected session replace the history entry', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const { a, b } = await twoOfMine(app);
  await app.action(app.my, 'Open', a).click();
  const idA = await idOf(app, a);
  await app.homeTab.click();
  await app.action(app.my, 'Open', b).click();
  const idB = await idOf(app, b);
  // History: Home, a, Home, b. ArrowUp from b selects a, replacing b's entry.
  await app.sessionTab(b).focus();
  await page.keyboard.press('ArrowUp');
  await expect(app.sessionTab(a)).toHaveAttribute('aria-selected', 'true');
  await expect(page).toHaveURL(session(idA));
  await page.goBack();
  await expect(page).toHaveURL(home);
  await page.goForward();
  await expect(page).toHaveURL(session(idA));
  // Closing the selected session (a) selects the tab before it (Home), replacing the entry.
  await page.getByRole('button', { name: `Close ${a}`, exact: true }).click();
  await expect(app.sessionTab(a)).toHaveCount(0);
  await expect(page).toHaveURL(home);
  await expect(app.homeTab).toHaveAttribute('aria-selected', 'true');
  // Back goes to the entry before it (Home), Forward to… Home's replacement: no b.
  await page.goBack();
  await expect(page).toHaveURL(home);
  expect(idB).not.toBe(idA);
});

test('Back to a closed session opens it again', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const { a } = await twoOfMine(app);
  await app.action(app.my, 'Open', a).click();
  const idA = await idOf(app, a);
  await app.homeTab.click();
  await page.getByRole('button', { name: `Close ${a}`, exact: true }).click();
  await expect(app.sessionTab(a)).toHaveCount(0);
  await page.goBack();
  await expect(page).toHaveURL(session(idA));
  await expect(app.sessionTab(a)).toHaveAttribute('aria-selected', 'true');
  await expect(app.conversation).toBeVisible();
});

test('a link to a session opens it; one the agent may not see shows Home and says why', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const { a } = await twoOfMine(app);
  await app.action(app.my, 'Open', a).click();
  const idA = await idOf(app, a);
  await page.getByRole('button', { name: `Close ${a}`, exact: true }).click();
  await expect(app.sessionTab(a)).toHaveCount(0);
  await page.goto(`/session/${idA}?sim=off`);
  await expect(app.sessionTab(a)).toHaveAttribute('aria-selected', 'true');

  await page.goto('/session/w999999?sim=off');
  await expect(app.homeTab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('status').filter({ hasText: 'There is no conversation “w999999”' })).toBeVisible();
  await expect(page).toHaveURL(home);
});

test('an unknown address says so, with a link Home', async ({ page }) => {
  await page.goto('/no/such/page?sim=off');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText('There is no page at /no/such/page')).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await expect(page).toHaveURL(home);
  await expect(new WorkspacePage(page).homeTab).toHaveAttribute('aria-selected', 'true');
});

test('the supervisor page has its address, its tables and a way back', async ({ page }) => {
  await page.goto('/supervisor?sim=off');
  await expect(page.getByRole('heading', { name: 'Supervisor', exact: true })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Queues', exact: true })).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('link', { name: 'Back to my workspace' }).click();
  await expect(page).toHaveURL(home);
  await expect(new WorkspacePage(page).homeTab).toBeVisible();
});
