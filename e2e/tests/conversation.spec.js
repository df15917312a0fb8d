// Offers and conversation sessions end to end: accept → reply → end → close, reject and
// re-offer, a missed offer, the session limit, wrap-up capacity, keyboard-only work, the
// customer chat page in a second tab, customer text shown as text, desktop notifications.
import { test, expect } from '../fixtures/test.js';
import { mkdir } from 'node:fs/promises';
import { WorkspacePage } from '../pages/workspace.js';
import { axeViolations } from '../pages/axe.js';

async function shot(page, name) {
  await mkdir('screenshots', { recursive: true });
  await page.screenshot({ path: `screenshots/${name}.png` });
}

/** Available through the menu (routing then offers at once: R6 makes it Busy). */
async function available(app) {
  await app.presenceButton.click();
  await app.presenceMenu.getByRole('menuitemradio', { name: 'Available', exact: true }).click();
}

/** Away, a simulated chat, then Available: it is offered to the agent. Returns the name. */
async function offered(app, kind = 'chat') {
  await app.setPresence('Away');
  const name = await app.simulate(kind);
  await available(app);
  await expect(app.page.getByRole('alertdialog', { name: new RegExp(`request: ${name}`) })).toBeVisible();
  return name;
}

test('accept → session with the first message → reply → end → close → Closed work items', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const name = await offered(app);
  const offer = page.getByRole('alertdialog', { name: `Chat request: ${name}` });
  await expect(offer).toContainText('Queue: General support');
  await expect(offer).toContainText('Previous conversations');
  await expect(offer.getByRole('button', { name: 'Accept' })).toBeFocused();
  expect(await axeViolations(page)).toEqual([]);
  await page.keyboard.press('Escape'); // never rejects
  await expect(offer).toBeVisible();
  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(app.sessionTab(name)).toHaveAttribute('aria-selected', 'true');
  const log = app.conversation.getByRole('log');
  // The customer's first message, under their name.
  await expect(log.getByText(name, { exact: true }).first()).toBeVisible();
  const box = app.conversation.getByRole('textbox', { name: 'Message' });
  await box.fill('Hello, I can help with that.');
  await app.conversation.getByRole('button', { name: 'Send' }).click();
  await expect(log).toContainText('Hello, I can help with that.');
  await expect(box).toHaveValue('');
  await shot(page, 'conversation-reply');
  expect(await axeViolations(page)).toEqual([]);
  await app.conversation.getByRole('button', { name: 'End conversation' }).click();
  await expect(box).toBeHidden();
  await expect(app.capacity).toHaveAttribute('aria-valuetext', '80 of 100 available'); // wrap-up holds it
  await app.conversation.getByRole('button', { name: 'Close conversation' }).click();
  await expect(app.sessionTab(name)).toHaveCount(0);
  await expect(app.capacity).toHaveAttribute('aria-valuetext', '100 of 100 available'); // released
  await expect(app.action(app.closed, 'Reopen', name)).toBeVisible();
});

test('reject: with one agent it is offered again, then left for Pick', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const name = await offered(app);
  const offer = page.getByRole('alertdialog', { name: `Chat request: ${name}` });
  // Each reject (R12) offers it again to the only agent, until it is left for Pick.
  for (let k = 0; k < 5 && !(await app.pick(name).isVisible()); k++) {
    await expect(offer.or(app.pick(name)).first()).toBeVisible();
    if (await offer.isVisible()) await offer.getByRole('button', { name: 'Reject' }).click();
  }
  await expect(app.pick(name)).toBeVisible();
  await expect(offer).toHaveCount(0);
});

test('a missed offer makes the agent Inactive, and the page says so', async ({ page }) => {
  await page.clock.install();
  const app = new WorkspacePage(page);
  await app.goto();
  const name = await offered(app);
  await page.clock.fastForward(125_000);
  await expect(app.presenceButton).toHaveAccessibleName('Presence: Inactive');
  await expect(page.getByRole('alert').filter({ hasText: 'You missed an offer' })).toBeVisible();
  await expect(page.getByRole('alertdialog', { name: `Chat request: ${name}` })).toHaveCount(0);
});

test('two offers at once are stacked', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.setPresence('Away');
  const a = await app.simulate('sms');
  const b = await app.simulate('sms');
  await available(app);
  await expect(page.getByRole('alertdialog', { name: `SMS request: ${a}` })).toBeVisible();
  await expect(page.getByRole('alertdialog', { name: `SMS request: ${b}` })).toBeVisible();
  await shot(page, 'offers-stacked');
  expect(await axeViolations(page)).toEqual([]);
});

test('at most 10 sessions: the 11th says Maximum sessions reached', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.setPresence('Away');
  const names = [];
  for (let i = 0; i < 10; i++) names.push(await app.simulate('sms'));
  for (const n of names) await app.pick(n).click();
  await app.homeTab.click();
  for (const n of names.slice(0, 9)) {
    await app.action(app.my, 'Open', n).click();
    await app.homeTab.click();
  }
  await app.action(app.my, 'Open', names[9]).click();
  await expect(page.getByRole('status').filter({ hasText: 'Maximum sessions reached' })).toBeVisible();
  await expect(app.sessions.getByRole('tab')).toHaveCount(10);
});

test('keyboard only: accept with Enter, reply with Enter, Shift+Enter for a new line', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const name = await offered(app);
  // The offer takes focus on the frame after it appears: wait for it, as a person would.
  await expect(page.getByRole('button', { name: 'Accept' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(app.sessionTab(name)).toHaveAttribute('aria-selected', 'true');
  const box = app.conversation.getByRole('textbox', { name: 'Message' });
  await box.focus();
  await page.keyboard.type('Line one');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('Line two');
  await page.keyboard.press('Enter');
  await expect(app.conversation.getByRole('log')).toContainText(/Line one\s+Line two/);
});

test('unsent text survives switching and Close asks before discarding it', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.setPresence('Away');
  const name = await app.simulate('sms');
  await app.pick(name).click();
  await app.action(app.my, 'Open', name).click();
  const box = app.conversation.getByRole('textbox', { name: 'Message' });
  await box.fill('half a reply');
  await app.homeTab.click();
  await app.sessionTab(name).click();
  await expect(box).toHaveValue('half a reply');
  await expect(app.conversation.getByRole('button', { name: 'Set waiting' })).toBeVisible();
  await app.conversation.getByRole('button', { name: 'End conversation' }).click();
  await app.conversation.getByRole('button', { name: 'Close conversation' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Discard your unsent reply?' });
  await expect(ask).toBeVisible();
  // Escape at once, before focus has moved into the dialog: it still closes (keeps writing).
  await page.keyboard.press('Escape');
  await expect(ask).toHaveCount(0);
  await expect(app.sessionTab(name)).toBeVisible();
  await app.conversation.getByRole('button', { name: 'Close conversation' }).click();
  await ask.getByRole('button', { name: 'Discard and close' }).click();
  await expect(app.sessionTab(name)).toHaveCount(0);
});

test('transfer lists the other queues', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.setPresence('Away');
  const name = await app.simulate('sms');
  await app.pick(name).click();
  await app.action(app.my, 'Open', name).click();
  await app.conversation.getByRole('button', { name: 'Transfer' }).click();
  const menu = page.getByRole('menu', { name: 'Transfer to queue' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Billing', 'Priority customers']);
  await expect(menu.getByRole('menuitem', { name: 'Billing' })).toBeFocused();
  expect(await axeViolations(page)).toEqual([]);
  // Arrow keys wrap around, End and Home jump to the ends.
  const priority = menu.getByRole('menuitem', { name: 'Priority customers' });
  const billing = menu.getByRole('menuitem', { name: 'Billing' });
  await page.keyboard.press('ArrowDown');
  await expect(priority).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(billing).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(priority).toBeFocused();
  await page.keyboard.press('Home');
  await expect(billing).toBeFocused();
  await page.keyboard.press('End');
  await expect(priority).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await app.conversation.getByRole('button', { name: 'Transfer' }).click();
  await menu.getByRole('menuitem', { name: 'Billing' }).click();
  await expect(app.sessionTab(name)).toHaveCount(0);
});

test('the customer chat page and the agent exchange messages; XSS shows as text', async ({ page, context }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const customer = await context.newPage();
  await customer.goto('/chat');
  await customer.getByRole('textbox', { name: 'Your name' }).fill('Zoe Quinn');
  await customer.getByRole('textbox', { name: 'Your question' }).fill('<img src=x onerror=alert(1)>');
  expect(await axeViolations(customer)).toEqual([]);
  await customer.getByRole('button', { name: 'Start chat' }).click();
  const offer = page.getByRole('alertdialog', { name: 'Chat request: Zoe Quinn' });
  await expect(offer).toBeVisible();
  await expect(offer).toContainText('<img src=x onerror=alert(1)>');
  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(customer.getByRole('log').getByText('Alex Morgan has joined the chat.')).toBeVisible();
  await expect(app.conversation.getByRole('log')).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.getByRole('log').getByRole('img')).toHaveCount(0);
  await app.conversation.getByRole('textbox', { name: 'Message' }).fill('Hi Zoe, how can I help?');
  await app.conversation.getByRole('button', { name: 'Send' }).click();
  await expect(customer.getByRole('log')).toContainText('Hi Zoe, how can I help?');
  await customer.getByRole('textbox', { name: 'Message' }).fill('My order is late');
  await customer.getByRole('button', { name: 'Send' }).click();
  await expect(app.conversation.getByRole('log')).toContainText('My order is late');
  await mkdir('screenshots', { recursive: true });
  await customer.screenshot({ path: 'screenshots/chat-customer.png' });
  expect(await axeViolations(customer)).toEqual([]);
  await app.conversation.getByRole('button', { name: 'End conversation' }).click();
  await expect(customer.getByRole('log').getByText('The chat has ended')).toBeVisible();
});

test('a hidden page shows the browser notification once allowed', async ({ page, context }) => {
  await context.grantPermissions(['notifications']);
  await page.addInitScript(() => {
    window.__notes = [];
    class FakeNotification {
      static permission = 'default';
      static requestPermission() { FakeNotification.permission = 'granted'; return Promise.resolve('granted'); }
      constructor(title, options) { window.__notes.push({ title, body: options?.body }); }
    }
    window.Notification = FakeNotification;
    Object.defineProperty(document, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
  });
  const app = new WorkspacePage(page);
  await app.goto();
  await page.getByRole('button', { name: 'Allow desktop notifications' }).click();
  await expect(page.getByRole('button', { name: 'Allow desktop notifications' })).toBeHidden();
  await app.setPresence('Away');
  const name = await app.simulate('chat');
  await page.evaluate(() => { window.__hidden = true; });
  await available(app);
  await expect.poll(() => page.evaluate(() => window.__notes.length)).toBe(1);
  const note = await page.evaluate(() => window.__notes[0]);
  expect(note.title).toBe(`Chat request: ${name}`);
});

test('Accept with 10 sessions open says Maximum sessions reached and opens nothing', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  await app.setPresence('Away');
  const names = [];
  for (let i = 0; i < 9; i++) names.push(await app.simulate('sms'));
  for (const n of names) await app.pick(n).click();
  for (const n of names) {
    await app.homeTab.click();
    await app.action(app.my, 'Open', n).click();
  }
  await expect(app.sessions.getByRole('tab')).toHaveCount(10); // Home and 9 conversations
  await app.homeTab.click();
  const name = await app.simulate('sms');
  await available(app);
  const offer = page.getByRole('alertdialog', { name: `SMS request: ${name}` });
  await expect(offer).toBeVisible();
  await offer.getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Maximum sessions reached' })).toBeVisible();
  await expect(app.sessions.getByRole('tab')).toHaveCount(10);
  await expect(app.sessionTab(name)).toHaveCount(0);
  await expect(app.homeTab).toHaveAttribute('aria-selected', 'true');
  await expect(offer).toBeVisible(); // still ringing: nothing was accepted
});

test('customer messages in a session not in view show as unread until it is selected', async ({ page, context }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const customer = await context.newPage();
  await customer.goto('/chat');
  await customer.getByRole('textbox', { name: 'Your name' }).fill('Uma Unread');
  await customer.getByRole('textbox', { name: 'Your question' }).fill('Where is my parcel?');
  await customer.getByRole('button', { name: 'Start chat' }).click();
  const offer = page.getByRole('alertdialog', { name: 'Chat request: Uma Unread' });
  await offer.getByRole('button', { name: 'Accept' }).click();
  const tab = app.sessionTab('Uma Unread');
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(customer.getByRole('log').getByText('Alex Morgan has joined the chat.')).toBeVisible();
  await expect(tab).toHaveAccessibleDescription('');
  await app.homeTab.click(); // another session in view
  const say = async (text) => {
    await customer.getByRole('textbox', { name: 'Message' }).fill(text);
    await customer.getByRole('button', { name: 'Send' }).click();
  };
  await say('Are you there?');
  await expect(tab).toHaveAccessibleDescription('1 unread message');
  await say('Hello?');
  await expect(tab).toHaveAccessibleDescription('2 unread messages');
  await tab.click();
  await expect(tab).toHaveAccessibleDescription('');
  await expect(app.conversation.getByRole('log')).toContainText('Hello?');
  await say('Thanks'); // in view: not unread
  await expect(app.conversation.getByRole('log')).toContainText('Thanks');
  await expect(tab).toHaveAccessibleDescription('');
});

test('an offer never takes focus from the Message box, and takes it when the agent is not typing', async ({ page }) => {
  const app = new WorkspacePage(page);
  await app.goto();
  const first = await offered(app);
  await page.getByRole('alertdialog', { name: `Chat request: ${first}` }).getByRole('button', { name: 'Accept' }).click();
  await expect(app.sessionTab(first)).toHaveAttribute('aria-selected', 'true');
  const box = app.conversation.getByRole('textbox', { name: 'Message' });
  await box.click();
  await page.keyboard.type('Let me check');
  // A new conversation arrives without moving focus (a script click, not the mouse: the Demo
  // region is on the Home session, out of view).
  const simulateSms = page.getByRole('button', { name: 'Simulate SMS', includeHidden: true });
  await simulateSms.evaluate((b) => b.click());
  const second = page.getByRole('alertdialog', { name: /^SMS request: / });
  await expect(second).toBeVisible();
  // Past the animation frame in which an offer takes focus.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await expect(box).toBeFocused();
  await page.keyboard.type(', please.');
  await expect(box).toHaveValue('Let me check, please.');
  // Not typing (focus on the session tab): the next offer's Accept takes focus.
  await app.sessionTab(first).focus();
  await simulateSms.evaluate((b) => b.click());
  const offers = page.getByRole('alertdialog', { name: /^SMS request: / });
  await expect(offers).toHaveCount(2);
  // The new offer (the later to expire: stacked last) has focus.
  await expect(offers.last().getByRole('button', { name: 'Accept' })).toBeFocused();
});
