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
  // `streamed(s)`: an `event` frame of the socket's stream (not an action's answer) has `s`.
  const streamed = (s) => seen.some((f) => f.startsWith('{"type":"event"') && f.includes(s));
  return { context, page, seen, streamed, text: () => seen.join('\n') };
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

  // A second customer: their page hears their own conversation only (its marker: their own
  // message coming back over the socket, logged after the first customer's).
  const other = await recorded(browser);
  const second = new CustomerPage(other.page);
  await second.startChat(server.url, `Other ${tag}`, `my own question ${tag}`);
  await second.say(`my own follow-up ${tag}`);
  await expect.poll(() => other.streamed(`"text":"my own follow-up ${tag}"`)).toBe(true);

  // Eve's marker: her own presence change, logged after everything above, comes back to her
  // browser over the same stream (in seq order) — so anything of the chat would have too.
  await setPresence(eveDesk, 'Away');
  await expect.poll(() => eve.streamed('"event":"presence_changed","agent":"eve"')).toBe(true);
  const eveText = eve.text();
  expect(eveText.length).toBeGreaterThan(0);
  for (const s of [secret, followUp, name]) {
    expect(eveText.includes(s), `"${s}" reached Eve's browser`).toBe(false);
  }
  await expect(eveDesk.pick(name)).toHaveCount(0);

  const otherText = other.text();
  for (const s of [secret, followUp, name]) {
    expect(otherText.includes(s), `"${s}" reached another customer's page`).toBe(false);
  }

  await c.context.close();
  await other.context.close();
  await ana.context.close();
  await eve.context.close();
});
