// Quick replies in server mode: the centre's come with `GET /api/config` (the server's demo
// configuration's `quick_replies`), the agent's own are kept with the account
// (`/api/me/quick-replies`): added in one browser, they are there after a reload.
import { test, expect } from '../../fixtures/server.js';
import { axeViolations } from '../../pages/axe.js';
import { agentContext, setPresence, startChat } from '../../pages/server.js';

test('the centre\'s quick replies fill the Message box; my own are kept with my account', async ({ browser, server }) => {
  const { context, page, desk } = await agentContext(browser, 'bert');
  try {
    await setPresence(desk, 'Available');
    await startChat(page.request, server.url, 'Quinn Quick', 'Where is my parcel?');
    const offer = page.getByRole('alertdialog', { name: 'Chat request: Quinn Quick' });
    await offer.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect(desk.sessionTab('Quinn Quick')).toHaveAttribute('aria-selected', 'true');
    const list = page.getByRole('listbox', { name: 'Quick replies' });
    await desk.message.focus();
    await page.keyboard.type('/greeting');
    await expect(list.getByRole('option')).toHaveCount(1);
    await page.keyboard.press('Enter');
    await expect(desk.message).toHaveValue(/Quinn Quick/);
    await expect(desk.message).toHaveValue(/Bert Novak/);
    await desk.message.fill('/');
    await page.getByRole('button', { name: 'My quick replies…' }).click();
    const dialog = page.getByRole('dialog', { name: 'My quick replies' });
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Tracking link');
    await dialog.getByRole('textbox', { name: 'Text', exact: true }).fill('Your parcel: example.com/track, {customer}.');
    await dialog.getByRole('button', { name: 'Add reply' }).click();
    await expect(dialog.getByRole('button', { name: 'Edit Tracking link' })).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Done' }).click();
    // Kept by the server: after a reload (the page asks the server again) it is there.
    await expect.poll(async () => {
      const res = await page.request.get(`${server.url}/api/me/quick-replies`, {
        headers: { authorization: `Bearer ${await page.evaluate(() => JSON.parse(localStorage.getItem('omnidesk.server-session') ?? '{}').token ?? '')}` },
      });
      return res.ok() ? (await res.json()).replies.map((r) => r.title) : [];
    }).toContain('Tracking link');
    await page.reload();
    await expect(desk.message).toBeVisible({ timeout: 15_000 });
    await desk.message.fill('');
    await desk.message.focus();
    await page.keyboard.type('/tracking');
    await expect(list.getByRole('option')).toHaveCount(1);
    await page.keyboard.press('Enter');
    await expect(desk.message).toHaveValue('Your parcel: example.com/track, Quinn Quick.');
    await expect(desk.refusal).toBeHidden();
  } finally {
    await context.close();
  }
});
