// Issue 18 §4, read scope, against the real server: a customer on /chat (the demo's live chat
// arrives in General: ana, bert, chen, dana) types a unique secret; Eve, who serves only VIP
// and Billing, has her desk open the whole time. Every WebSocket frame her browser receives
// and every HTTP response body it reads is recorded: the secret never reaches it, while Ana's
// browser (General) does receive it. A second customer's /chat page never receives the first
// one's text either.
import { test, expect } from '../../fixtures/server.js';
import { CustomerPage, customerContext, setPresence, signIn } from '../../pages/server.js';

/** A context whose page records every frame it receives and every response body it reads. */
async function recorded(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => seen.push(String(f.payload)));
  });
  page.on('response', async (r) => {
    try {
      seen.push(await r.text());
    } catch {
      // A body the browser didn't keep (a redirect, a navigation away): nothing was read.
    }
  });
  return { context, page, seen, text: () => seen.join('\n') };
}

test('issue 18 §4: another queue\'s customer text never reaches an agent\'s browser; a queue member\'s does', async ({
  browser,
  server,
}) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const secret = `secret-question-${tag}`;
  const followUp = `secret-followup-${tag}`;
  const name = `Zed Secret ${tag}`;

  const eve = await recorded(browser);
  const eveDesk = await signIn(eve.page, 'eve');
  const ana = await recorded(browser);
  const anaDesk = await signIn(ana.page, 'ana');
  await setPresence(anaDesk, 'Away'); // the chat waits in Open work items

  const c = await customerContext(browser, server.url, name, secret);
  await c.customer.say(followUp);

  // Ana (General) receives the conversation: in her frames, and on her desk.
  await expect.poll(() => ana.text().includes(secret) && ana.text().includes(followUp)).toBe(true);
  await expect(anaDesk.pick(name)).toBeVisible();

  // A second customer: their page hears their own conversation only.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const otherSeen = [];
  otherPage.on('websocket', (ws) => ws.on('framereceived', (f) => otherSeen.push(String(f.payload))));
  const second = new CustomerPage(otherPage);
  await second.startChat(server.url, `Other ${tag}`, `my own question ${tag}`);

  // Eve's marker: her own presence change, logged after everything above, comes back to her
  // browser over the same stream (in seq order) — so anything of the chat would have too.
  await setPresence(eveDesk, 'Away');
  await expect.poll(() => eve.text().includes('"event":"presence_changed","agent":"eve"')).toBe(true);
  const eveText = eve.text();
  expect(eveText.length).toBeGreaterThan(0);
  for (const s of [secret, followUp, name]) {
    expect(eveText.includes(s), `"${s}" reached Eve's browser`).toBe(false);
  }
  await expect(eveDesk.pick(name)).toHaveCount(0);

  const otherText = otherSeen.join('\n');
  expect(otherText).toContain(`my own question ${tag}`);
  expect(otherText.includes(secret) || otherText.includes(followUp), 'another customer\'s text').toBe(false);

  await c.context.close();
  await other.close();
  await ana.context.close();
  await eve.context.close();
});
