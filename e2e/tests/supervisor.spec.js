// Issue 14 (R25–R28), standalone: the supervisor page of the demo, where the agent at the
// keyboard supervises every queue. Assign, transfer, monitor and force close, found by role
// and name, by keyboard where a supervisor would use it, and axe on the page and each dialog.
import { test, expect } from '../fixtures/test.js';
import { mkdir } from 'node:fs/promises';
import { axeViolations } from '../pages/axe.js';
import { WorkspacePage } from '../pages/workspace.js';
import { SupervisorPage } from '../pages/supervisor.js';

async function shot(page, name) {
  await mkdir('/tmp/e2e-shots', { recursive: true });
  await page.screenshot({ path: `/tmp/e2e-shots/${name}.png`, fullPage: true });
}

/** The desk with the agent Away and `n` chats waiting; returns their customers' names. */
async function waitingChats(page, n) {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.setPresence('Away');
  const names = [];
  for (let i = 0; i < n; i++) names.push(await app.simulate('chat'));
  return { app, names };
}

test('the Supervisor link opens the page: Queues with charts, Agents with meters, Ongoing conversations; axe passes', async ({ page }) => {
  const { app, names } = await waitingChats(page, 1);
  await app.supervisorLink.click();
  const sup = new SupervisorPage(page);
  await expect(page).toHaveURL(/\/supervisor\?sim=off$/);
  await expect(sup.heading).toBeVisible();
  await expect(app.supervisorLink).toHaveAttribute('aria-current', 'page');
  await expect(sup.queues.getByRole('row')).toHaveCount(4); // header + 3 queues
  const general = sup.queues.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'General support' }) });
  await expect(general.getByRole('cell').first()).toHaveText('1'); // In queue
  await expect(sup.chart('General support')).toHaveAccessibleDescription('1 in queue now, peak 1 in the last hour');
  await expect(sup.agents.getByRole('meter', { name: 'Capacity of Alex Morgan' })).toHaveAttribute('aria-valuetext', '100 of 100 available');
  await expect(sup.row(names[0])).toContainText('Open');
  // R25–R27: an Open row offers all four actions.
  for (const verb of ['Assign', 'Transfer', 'Monitor', 'Force close']) {
    await expect(sup.action(verb, names[0])).toBeVisible();
  }
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `supervisor page (${scheme})`).toEqual([]);
  }
  await shot(page, 'supervisor-page');
  await sup.back.click();
  await expect(app.homeTab).toBeVisible();
});

test('R25 by keyboard: Assign opens its dialog, a radio per agent, and the item is the agent\'s — no session opens', async ({ page }) => {
  const { names } = await waitingChats(page, 1);
  const sup = new SupervisorPage(page);
  await sup.goto();
  const customer = names[0];
  await sup.action('Assign', customer).focus();
  await page.keyboard.press('Enter');
  const dialog = sup.assignDialog(customer);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  const alex = dialog.getByRole('radio', { name: /^Alex Morgan/ });
  await expect(dialog.getByRole('radio')).toHaveCount(1); // the colleagues are signed out (?sim=off)
  expect(await axeViolations(page), 'Assign dialog').toEqual([]);
  await alex.focus();
  await page.keyboard.press('Space');
  await expect(alex).toBeChecked();
  const assign = dialog.getByRole('button', { name: 'Assign', exact: true });
  await assign.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(sup.row(customer)).toContainText('Active');
  await expect(sup.row(customer)).toContainText('Alex Morgan');
  await expect(sup.action('Assign', customer)).toHaveCount(0); // Active: not offered any more
  await sup.back.click();
  const app = new WorkspacePage(page);
  await expect(app.action(app.my, 'Open', customer)).toBeVisible();
  await expect(app.sessionTab(customer)).toHaveCount(0);
});

test('R25: an assign that would overbook says so and asks "Assign anyway"', async ({ page }) => {
  const { names } = await waitingChats(page, 6);
  const sup = new SupervisorPage(page);
  await sup.goto();
  for (const customer of names.slice(0, 5)) {
    await sup.action('Assign', customer).click();
    await sup.assignDialog(customer).getByRole('radio', { name: /^Alex Morgan/ }).check();
    await sup.assignDialog(customer).getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(sup.row(customer)).toContainText('Active');
  }
  const last = names[5];
  await sup.action('Assign', last).click();
  const dialog = sup.assignDialog(last);
  await dialog.getByRole('radio', { name: /^Alex Morgan/ }).check();
  await expect(dialog.getByRole('status')).toContainText('over capacity');
  await dialog.getByRole('button', { name: 'Assign anyway' }).click();
  await expect(sup.row(last)).toContainText('Active');
  await expect(page.getByRole('meter', { name: 'Capacity', exact: true })).toHaveAttribute('aria-valuetext', '-20 of 100 available');
});

test('R27: the Transfer menu lists the other queues that take the channel, by arrow keys', async ({ page }) => {
  const { names } = await waitingChats(page, 1);
  const sup = new SupervisorPage(page);
  await sup.goto();
  const customer = names[0];
  await sup.action('Transfer', customer).focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: 'Transfer to queue' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Billing', 'Priority customers']);
  await expect(menu.getByRole('menuitem', { name: 'Billing' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(sup.row(customer)).toContainText('Priority customers');
  await expect(sup.row(customer)).toContainText('Open');
  // The queue filter finds it there and not in General support.
  await page.getByRole('combobox', { name: 'Queue' }).selectOption({ label: 'General support' });
  await expect(sup.row(customer)).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Queue' }).selectOption({ label: 'Priority customers' });
  await expect(sup.row(customer)).toHaveCount(1);
});

test('Monitor shows the live conversation read-only; the filter narrows the table', async ({ page }) => {
  const { names } = await waitingChats(page, 2);
  const sup = new SupervisorPage(page);
  await sup.goto();
  await sup.filter.fill(names[1]);
  await expect(sup.row(names[0])).toHaveCount(0);
  await expect(sup.row(names[1])).toHaveCount(1);
  await sup.action('Monitor', names[1]).click();
  const dialog = sup.monitorDialog(names[1]);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('log')).toContainText(/\S/);
  await expect(dialog.getByRole('textbox')).toHaveCount(0);
  expect(await axeViolations(page), 'Monitor dialog').toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(sup.action('Monitor', names[1])).toBeFocused();
});

test('R26: Force close asks first; Close ends it and it leaves the table for Closed work items', async ({ page }) => {
  const { names } = await waitingChats(page, 1);
  const sup = new SupervisorPage(page);
  await sup.goto();
  const customer = names[0];
  await sup.action('Force close', customer).click();
  await expect(sup.closeQuestion).toBeVisible();
  await expect(sup.closeQuestion.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await axeViolations(page), 'Force close question').toEqual([]);
  await page.keyboard.press('Escape');
  await expect(sup.row(customer)).toHaveCount(1);
  await sup.action('Force close', customer).click();
  await sup.closeQuestion.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(sup.row(customer)).toHaveCount(0);
});

test('with the simulator on, the page shows the colleagues at work, live', async ({ page }) => {
  const sup = new SupervisorPage(page);
  await sup.goto('?reset&seed=3');
  await expect(sup.agents.getByRole('row').filter({ hasText: 'Ana Silva' })).toContainText(/Available|Busy/);
  await expect(sup.ongoing.getByRole('row')).not.toHaveCount(1, { timeout: 20_000 }); // a conversation arrives
});

test('an offer still rings on the supervisor page', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.demo.getByRole('button', { name: 'Simulate chat' }).click();
  await expect(app.offer).toBeVisible();
  await app.supervisorLink.click();
  await expect(new SupervisorPage(page).heading).toBeVisible();
  await expect(app.offer).toBeVisible();
  await app.offer.getByRole('button', { name: 'Accept', exact: true }).click();
  await expect(app.conversation).toBeVisible();
});
