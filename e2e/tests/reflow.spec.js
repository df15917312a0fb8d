// WCAG 2.2 1.4.10 Reflow at 320×640 CSS px (400 % zoom), and screenshots of every screen at
// 1366, 1024 and 320 px in light and dark (e2e/screenshots/, for people to look at). At 320 px:
// no horizontal scrolling (scrollWidth ≤ innerWidth), every control ui-contract.md names is
// inside the viewport's width (or scrolls vertically into it), and axe passes.
import { test, expect } from '../fixtures/test.js';
import { mkdir } from 'node:fs/promises';
import { WorkspacePage } from '../pages/workspace.js';
import { axeViolations } from '../pages/axe.js';
import { SupervisorPage } from '../pages/supervisor.js';

const NARROW = { width: 320, height: 640 };

async function shot(page, name) {
  await mkdir('screenshots', { recursive: true });
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** No horizontal scrolling: the document is no wider than the window. */
async function noHorizontalScroll(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(scroll, `${what}: scrollWidth ${scroll} > innerWidth ${inner}`).toBeLessThanOrEqual(inner);
}

/** `locator` can be scrolled to and then lies within the viewport's width. */
async function reachable(page, locator, what) {
  await locator.scrollIntoViewIfNeeded();
  await expect(locator, what).toBeInViewport();
  const box = await locator.boundingBox();
  const inner = await page.evaluate(() => window.innerWidth);
  expect(box.x, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} ends on screen`).toBeLessThanOrEqual(inner + 0.5);
}

/** Away, a chat, Available: the offer rings. Returns its dialog and the customer's name. */
async function offered(app) {
  await app.setPresence('Away');
  const name = await app.simulate('chat');
  await app.presenceButton.click();
  await app.presenceMenu.getByRole('menuitemradio', { name: 'Available', exact: true }).click();
  const offer = app.page.getByRole('alertdialog', { name: `Chat request: ${name}` });
  await expect(offer).toBeVisible();
  return { offer, name };
}

test.describe('320 × 640', () => {
  test.use({ viewport: NARROW });

  test('Home: the top bar keeps Presence and Capacity, the tablist stays, the streams stack', async ({ page }) => {
    const app = new WorkspacePage(page);
    await app.goto();
    await noHorizontalScroll(page, 'Home');
    await reachable(page, app.presenceButton, 'Presence');
    await reachable(page, app.capacity, 'Capacity');
    await reachable(page, app.homeTab, 'the Home tab');
    await reachable(page, app.dashboardTab, 'Dashboard');
    for (const stream of [app.my, app.open, app.closed]) {
      await reachable(page, stream, 'a stream');
    }
    await reachable(page, page.getByRole('searchbox', { name: 'Filter Open work items' }), 'the filter');
    await reachable(page, app.demo.getByRole('button', { name: 'Simulate chat' }), 'Simulate chat');
    // The streams stack: each starts below the one before.
    const tops = [];
    for (const s of [app.my, app.open, app.closed]) tops.push((await s.boundingBox()).y);
    expect(tops[1]).toBeGreaterThan(tops[0]);
    expect(tops[2]).toBeGreaterThan(tops[1]);
    await app.presenceButton.click();
    await reachable(page, app.presenceMenu.getByRole('menuitem', { name: 'Reset presence' }), 'Reset presence');
    await page.keyboard.press('Escape');
    expect(await axeViolations(page)).toEqual([]);
  });

  test('the offer dialog fits with Accept reachable; a session has its controls on screen', async ({ page }) => {
    const app = new WorkspacePage(page);
    await app.goto();
    const { offer, name } = await offered(app);
    await noHorizontalScroll(page, 'the offer');
    await reachable(page, offer.getByRole('button', { name: 'Accept' }), 'Accept');
    await reachable(page, offer.getByRole('button', { name: 'Reject' }), 'Reject');
    expect(await axeViolations(page)).toEqual([]);
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(app.sessionTab(name)).toHaveAttribute('aria-selected', 'true');
    await noHorizontalScroll(page, 'a session');
    for (const [role, label] of [
      ['button', `Close ${name}`],
      ['tab', 'Active conversation'],
      ['tab', 'Customer'],
      ['textbox', 'Message'],
      ['button', 'Send'],
      ['button', 'Quick replies'],
      ['button', 'End conversation'],
      ['button', 'Transfer'],
    ]) {
      await reachable(page, page.getByRole(role, { name: label, exact: true }), `${role} ${label}`);
    }
    await reachable(page, app.conversation.getByRole('log'), 'the log');
    await app.conversation.getByRole('textbox', { name: 'Message' }).fill('/');
    await reachable(page, page.getByRole('listbox', { name: 'Quick replies' }), 'the quick replies');
    await noHorizontalScroll(page, 'quick replies open');
    expect(await axeViolations(page)).toEqual([]);
  });

  test('/chat: the header has its height, the form and the conversation fit', async ({ page }) => {
    await page.goto('/chat');
    await expect(page.getByRole('textbox', { name: 'Your name' })).toBeVisible();
    const header = await page.getByRole('banner').boundingBox();
    expect(header.height).toBeGreaterThanOrEqual(40);
    await noHorizontalScroll(page, '/chat');
    for (const [role, label] of [['textbox', 'Your name'], ['textbox', 'Your question'], ['button', 'Start chat']]) {
      await reachable(page, page.getByRole(role, { name: label }), label);
    }
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('textbox', { name: 'Your name' }).fill('Rita Reflow');
    await page.getByRole('textbox', { name: 'Your question' }).fill('Does this fit on my phone?');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await expect(page.getByRole('log')).toContainText('Does this fit on my phone?');
    expect((await page.getByRole('banner').boundingBox()).height).toBeGreaterThanOrEqual(40);
    await noHorizontalScroll(page, '/chat started');
    for (const [role, label] of [['textbox', 'Message'], ['button', 'Send'], ['button', 'End chat']]) {
      await reachable(page, page.getByRole(role, { name: label, exact: true }), label);
    }
    expect(await axeViolations(page)).toEqual([]);
  });

  test('? opens Keyboard shortcuts outside text fields, and it fits', async ({ page }) => {
    const app = new WorkspacePage(page);
    await app.goto();
    await app.homeTab.focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('row', { name: /Ctrl\+Alt\+1/ })).toBeVisible();
    await noHorizontalScroll(page, 'shortcuts');
    await reachable(page, dialog.getByRole('button', { name: 'Close' }), 'Close');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(app.homeTab).toBeFocused();
    // Typed into a text field, ? is just a character.
    await page.getByRole('searchbox', { name: 'Filter Open work items' }).fill('');
    await page.getByRole('searchbox', { name: 'Filter Open work items' }).press('?');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('searchbox', { name: 'Filter Open work items' })).toHaveValue('?');
  });
  test('the supervisor page: no horizontal scrolling, its tables and row actions reachable', async ({ page }) => {
    const app = new WorkspacePage(page);
    await app.goto();
    await app.setPresence('Away');
    const name = await app.simulate('chat');
    await page.goto('/supervisor?sim=off');
    const sup = new SupervisorPage(page);
    await expect(sup.heading).toBeVisible();
    await noHorizontalScroll(page, '/supervisor');
    for (const [what, locator] of [
      ['Queues', sup.queues],
      ['Agents', sup.agents],
      ['Ongoing conversations', sup.ongoing],
      ['the filter', sup.filter],
      ['the chart', sup.chart('General support')],
      [`Assign ${name}`, sup.action('Assign', name)],
      [`Monitor ${name}`, sup.action('Monitor', name)],
      [`Force close ${name}`, sup.action('Force close', name)],
      ['Presence', app.presenceButton],
    ]) {
      await reachable(page, locator, what);
    }
    expect(await axeViolations(page)).toEqual([]);
    await sup.action('Assign', name).click();
    const dialog = sup.assignDialog(name);
    await expect(dialog).toBeVisible();
    await noHorizontalScroll(page, 'the Assign dialog');
    await reachable(page, dialog.getByRole('button', { name: 'Cancel' }), 'Cancel');
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'supervisor-320');
  });

});

for (const scheme of ['light', 'dark']) {
  for (const width of [1366, 1024, 320]) {
    test(`screens at ${width} px, ${scheme}`, async ({ page }) => {
      await page.setViewportSize({ width, height: width === 320 ? 640 : 800 });
      await page.emulateMedia({ colorScheme: scheme });
      const app = new WorkspacePage(page);
      await app.goto();
      await app.setPresence('Away');
      await app.simulate('sms');
      await shot(page, `home-${width}-${scheme}`);
      const { offer, name } = await offered(app);
      await shot(page, `offer-${width}-${scheme}`);
      await offer.getByRole('button', { name: 'Accept' }).click();
      await expect(app.sessionTab(name)).toHaveAttribute('aria-selected', 'true');
      const box = app.conversation.getByRole('textbox', { name: 'Message' });
      await box.fill('/');
      await expect(page.getByRole('listbox', { name: 'Quick replies' })).toBeVisible();
      await shot(page, `session-quick-replies-${width}-${scheme}`);
      await page.keyboard.press('Escape');
      await box.fill('');
      await app.homeTab.focus();
      await page.keyboard.press('?');
      await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      await shot(page, `shortcuts-${width}-${scheme}`);
      await page.keyboard.press('Escape');
      await page.goto('/chat');
      await expect(page.getByRole('textbox', { name: 'Your name' })).toBeVisible();
      await shot(page, `chat-${width}-${scheme}`);
      await noHorizontalScroll(page, `/chat at ${width}`);
    });
  }
}
