// WCAG 2.2 1.4.10 Reflow at 320×640 CSS px in server mode: the sign-in page and the desk with
// the server's controls (Connection, Sign out) in its top bar — no horizontal scrolling, the
// named controls reachable, axe clean.
import { test, expect } from '../../fixtures/server.js';
import { mkdir } from 'node:fs/promises';
import { axeViolations } from '../../pages/axe.js';
import { SignInPage, signIn } from '../../pages/server.js';

test.use({ viewport: { width: 320, height: 640 } });

async function noHorizontalScroll(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  expect(scroll, `${what}: scrollWidth ${scroll} > innerWidth ${inner}`).toBeLessThanOrEqual(inner);
}

async function reachable(page, locator, what) {
  await locator.scrollIntoViewIfNeeded();
  await expect(locator, what).toBeInViewport();
  const box = await locator.boundingBox();
  const inner = await page.evaluate(() => window.innerWidth);
  expect(box.x, `${what} starts on screen`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} ends on screen`).toBeLessThanOrEqual(inner + 0.5);
}

test('sign-in and the desk fit 320 px with Presence, Capacity, Connection and Sign out on screen', async ({ page, server }) => {
  const form = new SignInPage(page);
  await form.goto(server.url);
  await noHorizontalScroll(page, 'sign-in');
  for (const [l, what] of [[form.agentId, 'Agent ID'], [form.password, 'Password'], [form.submit, 'Sign in']]) {
    await reachable(page, l, what);
  }
  expect(await axeViolations(page)).toEqual([]);
  const desk = await signIn(page, 'ana');
  await noHorizontalScroll(page, 'the desk');
  for (const [l, what] of [
    [desk.presenceButton, 'Presence'],
    [desk.capacity, 'Capacity'],
    [desk.connection, 'Connection'],
    [desk.signOutButton, 'Sign out'],
    [desk.homeTab, 'Home'],
    [desk.open, 'Open work items'],
  ]) {
    await reachable(page, l, what);
  }
  await mkdir('screenshots', { recursive: true });
  await page.screenshot({ path: 'screenshots/server-desk-320.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
});
