// Quick replies in the standalone demo (ui-contract.md, "Quick replies"): `/words` and the
// Quick replies button, the listbox the Message box points at, Enter inserting with the names
// filled in, no match, Escape; the agent's own replies added, edited, kept over a reload and
// deleted.
import { test, expect } from '../fixtures/test.js';
import { mkdir } from 'node:fs/promises';
import { WorkspacePage } from '../pages/workspace.js';
import { axeViolations } from '../pages/axe.js';

async function shot(page, name) {
  await mkdir('screenshots', { recursive: true });
  await page.screenshot({ path: `screenshots/${name}.png` });
}

/** A picked chat's session, selected; returns the customer's name and the Message box. */
async function session(app) {
  await app.setPresence('Away');
  const name = await app.simulate('chat');
  await app.pick(name).click();
  await app.action(app.my, 'Open', name).click();
  const box = app.conversation.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeVisible();
  return { name, box };
}

test('/ opens the list, words narrow it, ↓ and Enter insert with the names filled in instead of sending', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const { name, box } = await session(app);
  const list = page.getByRole('listbox', { name: 'Quick replies' });
  await box.focus();
  await page.keyboard.type('/');
  await expect(list).toBeVisible();
  await expect(list.getByRole('option')).toHaveCount(10);
  await expect(box).toHaveAttribute('aria-autocomplete', 'list');
  await expect(box).toHaveAttribute('aria-controls', await list.getAttribute('id'));
  await page.keyboard.type('closing');
  await expect(list.getByRole('option')).toHaveCount(2);
  const first = list.getByRole('option').first();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', await first.getAttribute('id'));
  await expect(page.getByRole('status').filter({ hasText: /^2 quick replies$/ })).toHaveCount(1);
  await expect(box).toBeFocused();
  await shot(page, 'quick-replies-open');
  expect(await axeViolations(page)).toEqual([]);
  await page.keyboard.press('ArrowDown');
  await expect(list.getByRole('option', { name: /Goodbye/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(list).toBeHidden();
  await expect(box).toHaveValue(`Thank you for contacting us, ${name}. Have a great day! — Alex Morgan`);
  await expect(box).not.toHaveAttribute('aria-activedescendant', /.*/);
  await expect(app.conversation.getByRole('log')).not.toContainText('Have a great day');
  await page.keyboard.press('Enter'); // now it sends
  await expect(app.conversation.getByRole('log')).toContainText(`Thank you for contacting us, ${name}.`);
  await expect(box).toHaveValue('');
});

test('the Quick replies button inserts at the caret; no match says so and Enter does nothing; Escape leaves the text', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const { name, box } = await session(app);
  const list = page.getByRole('listbox', { name: 'Quick replies' });
  await box.fill('Hello! ');
  await app.conversation.getByRole('button', { name: 'Quick replies', exact: true }).click();
  await expect(list).toBeVisible();
  await expect(box).toBeFocused();
  await page.keyboard.press('Enter'); // the first: Greeting
  await expect(box).toHaveValue(`Hello! Hi ${name}, this is Alex Morgan. Thanks for getting in touch — how can I help you today?`);
  await box.fill('');
  await box.focus();
  await page.keyboard.type('/nothing-like-this');
  await expect(list).toBeHidden();
  await expect(app.conversation.getByText('No quick replies match.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: /^No quick replies match$/ })).toHaveCount(1);
  await expect(box).not.toHaveAttribute('aria-activedescendant', /.*/);
  await page.keyboard.press('Enter');
  await expect(box).toHaveValue('/nothing-like-this');
  await page.keyboard.press('Escape');
  await expect(app.conversation.getByText('No quick replies match.')).toBeHidden();
  await expect(box).toHaveValue('/nothing-like-this');
  await expect(box).not.toHaveAttribute('aria-controls', /.*/);
});

test('my own quick replies: add, use, edit, kept over a reload, delete', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const { name, box } = await session(app);
  await box.focus();
  await page.keyboard.type('/');
  await page.getByRole('button', { name: 'My quick replies…' }).click();
  const dialog = page.getByRole('dialog', { name: 'My quick replies' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Title' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Add reply' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('A reply needs a title and a text.');
  await dialog.getByRole('textbox', { name: 'Title' }).fill('Delivery times');
  await dialog.getByRole('textbox', { name: 'Text', exact: true }).fill('Dear {customer}, parcels arrive in 2 days.');
  await dialog.getByRole('textbox', { name: /^Tags/ }).fill('shipping');
  await dialog.getByRole('button', { name: 'Add reply' }).click();
  await expect(dialog.getByRole('button', { name: 'Edit Delivery times' })).toBeVisible();
  await shot(page, 'quick-replies-mine');
  expect(await axeViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Edit Delivery times' }).click();
  await dialog.getByRole('textbox', { name: 'Text', exact: true }).fill('Dear {customer}, parcels arrive in 3 days.');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);

  await page.reload();
  await expect(app.conversation).toBeVisible();
  await box.fill('');
  await box.focus();
  await page.keyboard.type('/shipping');
  const option = page.getByRole('listbox', { name: 'Quick replies' }).getByRole('option');
  await expect(option).toHaveCount(1);
  await expect(option).toContainText('Delivery times');
  await page.keyboard.press('Enter');
  await expect(box).toHaveValue(`Dear ${name}, parcels arrive in 3 days.`);

  await box.fill('/');
  await page.getByRole('button', { name: 'My quick replies…' }).click();
  await dialog.getByRole('button', { name: 'Delete Delivery times' }).click();
  await expect(dialog.getByText('You have no quick replies of your own yet.', { exact: false })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});
