// The standalone build for a sub-path (`trunk build --release --public-url /omnidesk/ --dist
// dist-subpath`) on a static host with no single-page-app fallback (static-host.mjs: files as
// they are, 404.html with status 404): assets load, and /omnidesk/, /omnidesk/chat and
// /omnidesk/session/<id> open the right screens. The 404 status of a deep link is the host's,
// reported by the browser as "Failed to load resource", which the fixture ignores.
import { test, expect } from '../../fixtures/test.js';
import { WorkspacePage } from '../../pages/workspace.js';

test('the app works at /omnidesk/ on a host without a single-page-app fallback', async ({ page }) => {
  const app = new WorkspacePage(page);
  const root = await page.goto('/omnidesk/?sim=off&reset');
  expect(root.status()).toBe(200);
  await expect(app.homeTab).toBeVisible();
  await expect(page).toHaveURL(/\/omnidesk\/\?sim=off$/);
  await app.setPresence('Away');
  const name = await app.simulate('chat');
  await app.pick(name).click();
  await app.action(app.my, 'Open', name).click();
  await expect(page).toHaveURL(/\/omnidesk\/session\/w\d+\?sim=off$/);
  const deep = page.url();

  // A deep link is the host's 404 page, which is the app: it opens the session.
  const answer = await page.goto(deep);
  expect(answer.status()).toBe(404);
  await expect(app.sessionTab(name)).toHaveAttribute('aria-selected', 'true');
  await expect(app.conversation).toBeVisible();

  await page.goto('/omnidesk/chat');
  await expect(page.getByRole('heading', { name: 'Chat with us' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Your name' })).toBeVisible();

  await page.goto('/omnidesk/supervisor?sim=off');
  await page.getByRole('link', { name: 'Back to my workspace' }).click();
  await expect(page).toHaveURL(/\/omnidesk\/\?sim=off$/);
  await expect(app.homeTab).toBeVisible();
});
