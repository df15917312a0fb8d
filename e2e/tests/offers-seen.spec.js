// R23 in the standalone demo (push channels want an offer seen within 15 s): an offer on a
// hidden page without a desktop notification is never confirmed, so it is withdrawn and the
// page says why the agent is Inactive; on a visible page the dialog confirms it and it rings
// on. The page's clock is Playwright's, so 16 s pass at once (no waiting, no fixed sleep).
import { test, expect } from '../fixtures/test.js';
import { WorkspacePage } from '../pages/workspace.js';
import { axeViolations } from '../pages/axe.js';

/** Away, a simulated chat, then Available: it is offered to the agent. Returns the offer. */
async function offered(app) {
  await app.setPresence('Away');
  const name = await app.simulate('chat');
  await app.presenceButton.click();
  await app.presenceMenu.getByRole('menuitemradio', { name: 'Available', exact: true }).click();
  const offer = app.page.getByRole('alertdialog', { name: `Chat request: ${name}` });
  await expect(offer).toBeVisible();
  return { name, offer };
}

test('R23: an offer on a hidden page is withdrawn after 15 s and the page says it was never seen', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  });
  await page.clock.install();
  const app = new WorkspacePage(page);
  await app.goto();
  const { name, offer } = await offered(app);
  await page.clock.fastForward(16_000);
  await expect(offer).toHaveCount(0);
  await expect(app.presenceButton).toHaveAccessibleName('Presence: Inactive');
  const why = page.getByRole('alert').filter({ hasText: "You missed an offer you didn't see" });
  await expect(why).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
  // Back to work: the item went back to the queue (R23's unseen decline counts toward R12).
  await why.getByRole('button', { name: 'Set Available' }).click();
  await expect(app.presenceButton).not.toHaveAccessibleName('Presence: Inactive');
  await expect(why).toBeHidden();
  await expect(page.getByRole('alertdialog', { name: `Chat request: ${name}` }).or(app.pick(name))).toBeVisible();
});

test('R23: an offer on a visible page is marked seen and rings past 15 s', async ({ page }) => {
  await page.clock.install();
  const app = new WorkspacePage(page);
  await app.goto();
  const { offer } = await offered(app);
  await page.clock.fastForward(16_000);
  // The countdown moved past the 15 s mark, and the offer is still there to accept.
  await expect(offer.getByRole('timer')).toHaveText(/^1:(4[0-4]|[0-3]\d)$/);
  await expect(offer).toBeVisible();
  await expect(app.presenceButton).toHaveAccessibleName('Presence: Busy');
  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(app.conversation).toBeVisible();
});

test('R23: a hidden page confirms the offer once its desktop notification is shown', async ({ page, context }) => {
  await context.grantPermissions(['notifications']);
  await page.addInitScript(() => {
    class ShownNotification {
      static permission = 'granted';
      static requestPermission() { return Promise.resolve('granted'); }
      constructor(title) {
        this.title = title;
        window.__shown = (window.__shown ?? 0) + 1;
        setTimeout(() => this.onshow?.(new Event('show')), 0);
      }
    }
    window.Notification = ShownNotification;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  });
  await page.clock.install();
  const app = new WorkspacePage(page);
  await app.goto();
  const { offer } = await offered(app);
  await expect.poll(() => page.evaluate(() => window.__shown ?? 0)).toBe(1);
  await page.clock.fastForward(16_000);
  await expect(offer.getByRole('timer')).toHaveText(/^1:(4[0-4]|[0-3]\d)$/);
  await expect(app.presenceButton).toHaveAccessibleName('Presence: Busy');
});
