// Issue 13's budget: the app is three bundles and a page downloads only the one its address
// needs (index.html's loader, Trunk.toml `pattern_script`): the desk at / and
// /session/:item, the supervisor page at /supervisor, the customer's page at /chat. Moving
// between the desk and the supervisor page loads the other bundle, and Back comes back.
import { test, expect } from '../fixtures/test.js';
import { WorkspacePage } from '../pages/workspace.js';
import { SupervisorPage } from '../pages/supervisor.js';

/** The wasm files the page requests from now on, by bundle. */
function wasmRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.split('/').pop();
    if (name.endsWith('.wasm')) seen.push(name);
  });
  return seen;
}
const bundleOf = (name) =>
  name.startsWith('omnidesk-supervisor') ? 'supervisor' : name.startsWith('omnidesk-chat') ? 'chat' : 'desk';

test('each address downloads only its own bundle; the Supervisor link and Back move between them', async ({ page }) => {
  const seen = wasmRequests(page);
  const app = new WorkspacePage(page);
  await app.goto();
  await expect(app.supervisorLink).toBeVisible();
  expect(seen.map(bundleOf)).toEqual(['desk']);

  await app.supervisorLink.click();
  const sup = new SupervisorPage(page);
  await expect(page).toHaveURL(/\/supervisor\?sim=off$/);
  await expect(sup.heading).toBeVisible();
  expect(seen.map(bundleOf)).toEqual(['desk', 'supervisor']);

  await page.getByRole('link', { name: 'Back to my workspace' }).click();
  await expect(page).toHaveURL(/\/\?sim=off$/);
  await expect(app.supervisorLink).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/supervisor\?sim=off$/);
  await expect(sup.heading).toBeVisible();
  expect(seen.map(bundleOf).filter((b) => b !== 'desk' && b !== 'supervisor')).toEqual([]);
});

test('/chat downloads the customer bundle alone; an unknown address under it is not found', async ({ page }) => {
  const seen = wasmRequests(page);
  await page.goto('/chat');
  await expect(page.getByRole('textbox', { name: 'Your name' })).toBeVisible();
  expect(seen.map(bundleOf)).toEqual(['chat']);
  // A bundle's own address it has no page for is its not-found page, not a reload loop.
  await page.goto('/chat/nothing-here');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.goto('/supervisor/nothing-here');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  expect(seen.map(bundleOf)).toEqual(['chat', 'chat', 'supervisor']);
});
