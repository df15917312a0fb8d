// Issue 9: the app as a client of omnidesk-server, end to end against the real server (the
// demo centre, fixtures/server.js: one server per file, these tests in order). Each agent and
// each customer is its own browser context (its own localStorage, so its own signed-in agent).
//
// The file's tests share the server's state: each one sets the presences it relies on and uses
// customers of its own, so it doesn't depend on what the tests before it did.
import { test, expect } from '../../fixtures/server.js';
import { mkdir } from 'node:fs/promises';
import { axeViolations } from '../../pages/axe.js';
import {
  AGENT_NAMES,
  RECONNECT_TIMEOUT,
  SignInPage,
  ServerDesk,
  agentContext,
  customerContext,
  setPresence,
  signIn,
  startChat,
} from '../../pages/server.js';

async function shot(page, name) {
  await mkdir('/tmp/e2e-shots', { recursive: true });
  await page.screenshot({ path: `/tmp/e2e-shots/${name}.png`, fullPage: true });
}

/** Accepts the chat offer of `customer` and waits for its session, selected, with `question`. */
async function acceptChat(desk, customer, question) {
  const offer = desk.page.getByRole('alertdialog', { name: `Chat request: ${customer}` });
  await expect(offer).toBeVisible();
  await expect(offer).toContainText(question);
  await offer.getByRole('button', { name: 'Accept', exact: true }).click();
  await expect(offer).toHaveCount(0);
  await expect(desk.sessionTab(customer)).toHaveAttribute('aria-selected', 'true');
  await expect(desk.log).toContainText(question);
}

test('sign-in: a wrong password is refused in words, the page passes axe, the right one opens the live desk', async ({
  browser,
  server,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const form = new SignInPage(page);
  await form.goto(server.url);
  await expect(form.agentId).toBeVisible();
  await expect(form.password).toHaveAttribute('type', 'password');
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axeViolations(page), `sign-in page (${scheme})`).toEqual([]);
  }

  await form.fill('ana', 'not-the-password');
  await form.submit.click();
  await expect(form.alert).toContainText('Wrong agent ID or password. Check both and try again.');
  await expect(form.heading).toBeVisible(); // still here
  await expect(page.getByRole('tablist', { name: 'Sessions' })).toHaveCount(0);
  // The refusal shown is accessible too (dark mode: see the fixme test below).
  await page.emulateMedia({ colorScheme: 'light' });
  await shot(page, 'signin-refused-light');
  expect(await axeViolations(page), 'sign-in refused (light)').toEqual([]);

  // An empty password is caught before asking; then an unknown agent gets the same words as a
  // wrong password (nothing tells which half was wrong).
  await form.fill('ana', '');
  await form.submit.click();
  await expect(form.alert).toContainText('Enter your agent ID and your password.');
  await form.fill('nobody', 'demo-nobody');
  await form.submit.click();
  await expect(form.alert).toContainText('Wrong agent ID or password. Check both and try again.');

  const desk = await signIn(page, 'ana'); // the form is still shown: signs in there
  await expect(desk.connection).toHaveText('Live');
  await expect(desk.signedInAs).toHaveText('Ana Lima');
  await expect(desk.homeTab).toHaveAttribute('aria-selected', 'true');
  await expect(desk.my).toBeVisible();
  await expect(desk.open).toBeVisible();
  await expect(desk.closed).toBeVisible();
  await expect(desk.presenceButton).toBeVisible();
  await expect(desk.capacity).toBeVisible();
  await expect(desk.demo).toHaveCount(0); // no Demo region in server mode
  await expect(form.heading).toHaveCount(0);
  // The server mode's top bar (Connection, the agent's name, Sign out) is accessible too.
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await shot(page, `signed-in-desk-${scheme}`);
    expect(await axeViolations(page), `desk (${scheme})`).toEqual([]);
  }
  await context.close();
});

/**
 * A live chat from `customer` arrives while `a` and `b` are Away (so it waits in Open work
 * items for both); both press Pick at once. Returns { winner, loser } once exactly one of them
 * has it in My work items. `a` and `b` need holdable sockets (agentContext's `holdable`).
 *
 * "At once" is made exact: while both press, what the server says is held back (not what they
 * send), so neither page can learn of the other's pick before its own press; then all of it is
 * delivered, in order. (Two real clicks in two browsers are otherwise sequential: under load the
 * first pick's event could remove the second button before the second press.)
 */
async function raceToPick(request, url, a, b, customer) {
  await startChat(request, url, customer, 'Which of you answers first?');
  for (const desk of [a, b]) {
    await expect(desk.pick(customer)).toBeVisible();
    await expect(desk.offer).toHaveCount(0);
  }
  const picked = /"type":"action".*"input":\{"input":"pick"/;
  a.socket.hold();
  b.socket.hold();
  try {
    await Promise.all([a.pick(customer).click(), b.pick(customer).click()]);
    await Promise.all([a.socket.waitForSent(picked), b.socket.waitForSent(picked)]);
  } finally {
    a.socket.release();
    b.socket.release();
  }
  const mine = (desk) => desk.action(desk.my, 'Open', customer);
  await expect
    .poll(async () => (await mine(a).count()) + (await mine(b).count()), { timeout: 10_000 })
    .toBe(1);
  return (await mine(a).count()) === 1 ? { winner: a, loser: b } : { winner: b, loser: a };
}

test('two agents pick the same waiting chat at once: exactly one gets it, the other is told who did', async ({
  browser,
  request,
  server,
}) => {
  const a = await agentContext(browser, 'ana', { holdable: true });
  const b = await agentContext(browser, 'bert', { holdable: true });
  // Away: a live chat is not offered to anyone, it waits in Open work items for both.
  await setPresence(a.desk, 'Away');
  await setPresence(b.desk, 'Away');

  const customer = 'Pia Picker';
  const { winner, loser } = await raceToPick(request, server.url, a.desk, b.desk, customer);
  const mine = (desk) => desk.action(desk.my, 'Open', customer);
  await expect(mine(winner)).toBeVisible();
  await expect(mine(loser)).toHaveCount(0);
  for (const desk of [a.desk, b.desk]) await expect(desk.pick(customer)).toHaveCount(0);

  // The loser reads the refusal, naming the winner and the customer.
  await expect(loser.refusal).toBeVisible();
  await expect(loser.refusal).toContainText(`${winner.name} picked this conversation first (${customer}).`);
  await expect(winner.refusal).toBeHidden();
  await shot(loser.page, 'pick-race-loser');
  expect(await axeViolations(loser.page)).toEqual([]);
  await loser.refusal.getByRole('button', { name: 'Dismiss' }).click();
  await expect(loser.refusal).toBeHidden();

  await expect(mine(winner)).toBeVisible();
  for (const desk of [a.desk, b.desk]) {
    await expect(desk.connection).toHaveText('Live');
  }
  await a.context.close();
  await b.context.close();
});

// Dark mode: the refusal bars get the dark scheme's danger background (this test found them
// light pink with white text).
test('dark mode: the sign-in refusal and the desk\'s refusal bar pass axe', async ({
  browser,
  request,
  server,
}) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  const form = new SignInPage(page);
  await form.goto(server.url);
  await form.fill('chen', 'not-the-password');
  await form.submit.click();
  await expect(form.alert).toContainText('Wrong agent ID or password.');
  await shot(page, 'signin-refused-dark');
  expect(await axeViolations(page), 'sign-in refused (dark)').toEqual([]);
  await context.close();

  const c = await agentContext(browser, 'chen', { colorScheme: 'dark', holdable: true });
  const d = await agentContext(browser, 'dana', { colorScheme: 'dark', holdable: true });
  await setPresence(c.desk, 'Away');
  await setPresence(d.desk, 'Away');
  const { loser } = await raceToPick(request, server.url, c.desk, d.desk, 'Dora Dark');
  await expect(loser.refusal).toContainText('picked this conversation first (Dora Dark).');
  await shot(loser.page, 'pick-race-loser-dark');
  expect(await axeViolations(loser.page), 'refusal bar (dark)').toEqual([]);
  await c.context.close();
  await d.context.close();
});

test('an offer to the one Available agent, accepted, opens the session; the customer page and the agent chat both ways', async ({
  browser,
  server,
}) => {
  const a = await agentContext(browser, 'ana');
  const b = await agentContext(browser, 'bert');
  await setPresence(b.desk, 'Away');
  await setPresence(a.desk, 'Available');

  const name = 'Olga Offered';
  const question = 'Do you ship to Lisbon?';
  const c = await customerContext(browser, server.url, name, question);

  await acceptChat(a.desk, name, question);
  await expect(b.desk.offer).toHaveCount(0); // Away: never offered
  await expect(b.desk.pick(name)).toHaveCount(0); // and no longer Open
  await expect(c.customer.log.getByText('Ana has joined the chat.')).toBeVisible();

  await a.desk.say('Hi Olga, yes we do. What would you like to send?');
  await expect(c.customer.log).toContainText('Hi Olga, yes we do. What would you like to send?');
  await c.customer.say('A box of books.');
  await expect(a.desk.log).toContainText('A box of books.');
  await expect(a.desk.log).toContainText('Hi Olga, yes we do.');
  await shot(a.page, 'offer-accepted-agent');
  await shot(c.page, 'offer-accepted-customer');

  // The customer reloads: the conversation so far is drawn again (once) and goes on.
  await c.page.reload();
  for (const text of [question, 'Ana has joined the chat.', 'Hi Olga, yes we do.', 'A box of books.']) {
    await expect(c.customer.log).toContainText(text);
  }
  await expect(c.customer.log.getByText('A box of books.', { exact: true })).toHaveCount(1);
  await c.customer.say('Hardcovers, mostly.');
  await expect(a.desk.log).toContainText('Hardcovers, mostly.');
  await a.desk.say('Fine, I will send you a label.');
  await expect(c.customer.log).toContainText('Fine, I will send you a label.');

  await a.context.close();
  await b.context.close();
  await c.context.close();
});

test('a browser whose clock is 10 minutes slow shows the offer countdown on the server\'s time', async ({
  browser,
  request,
  server,
}) => {
  const a = await agentContext(browser, 'ana', { clockOffsetMs: -10 * 60_000 });
  const b = await agentContext(browser, 'bert');
  await setPresence(b.desk, 'Away');
  await setPresence(a.desk, 'Available');
  const name = 'Tim Skew';
  const chat = await startChat(request, server.url, name, 'What time is it?');
  const offer = a.page.getByRole('alertdialog', { name: new RegExp(name) });
  await expect(offer).toBeVisible();
  // Chat offers ring for 2 minutes (R13): on the browser's own clock it would read 12:00.
  await expect(offer.getByRole('timer')).toHaveText(/^(2:00|1:5\d)$/);
  // The customer gives up, so the offer doesn't ring on into the file's next tests.
  const gone = await request.post(`${server.url}/api/actions`, {
    headers: { authorization: `Bearer ${chat.token}` },
    data: { client_id: 'skew-test', action_id: 'abandon', input: { input: 'abandon' } },
  });
  expect(gone.status(), await gone.text()).toBe(200);
  await expect(offer).toHaveCount(0);
  await a.context.close();
  await b.context.close();
});

test('the server dies mid-conversation: both desks reconnect, the offline reply is sent, nothing is lost; a reload keeps the agent signed in', async ({
  browser,
  request,
  server,
}) => {
  test.setTimeout(120_000);
  const a = await agentContext(browser, 'ana');
  const b = await agentContext(browser, 'bert');
  await setPresence(a.desk, 'Away');
  await setPresence(b.desk, 'Away');
  // Bert holds a conversation of his own (his view must survive too).
  const bertsCustomer = 'Bruno Held';
  await startChat(request, server.url, bertsCustomer, 'Can Bert help me?');
  await b.desk.pick(bertsCustomer).click();
  await expect(b.desk.action(b.desk.my, 'Open', bertsCustomer)).toBeVisible();
  await expect(a.desk.pick(bertsCustomer)).toHaveCount(0);

  // Ana takes a chat from the customer page.
  await setPresence(a.desk, 'Available');
  const name = 'Kira Kill';
  const question = 'Is my refund on its way?';
  const c = await customerContext(browser, server.url, name, question);
  await acceptChat(a.desk, name, question);
  await expect(c.customer.log.getByText('Ana has joined the chat.')).toBeVisible();
  await a.desk.say('Let me look at your refund.');
  await expect(c.customer.log).toContainText('Let me look at your refund.');
  await c.customer.say('Order 1234.');
  await expect(a.desk.log).toContainText('Order 1234.');

  // The server crashes.
  await server.kill();
  for (const desk of [a.desk, b.desk]) {
    await expect(desk.connection).toContainText('Reconnecting… next try in', { timeout: 10_000 });
  }
  // The agent keeps working: the reply waits for the connection.
  const offline = 'Found it: the refund left yesterday.';
  await a.desk.say(offline);
  await expect(a.desk.connection).toContainText('1 action will be sent when the connection is back');
  await expect(a.desk.connection).toHaveText(
    /^Reconnecting… next try in \d+ s · 1 action will be sent when the connection is back$/,
  );
  // The agent sees the reply in the conversation, marked as not yet sent.
  const unsent = a.desk.log.getByText('Sending…', { exact: true });
  await expect(unsent).toHaveCount(1);
  await expect(a.desk.log.getByText(offline, { exact: true })).toHaveCount(1);
  await shot(a.page, 'offline-agent');
  await expect(c.customer.log).not.toContainText(offline);

  await server.restart();
  for (const desk of [a.desk, b.desk]) await desk.live(RECONNECT_TIMEOUT);
  // The offline reply reached the customer (once), and the agent's log has it too.
  await expect(c.customer.log).toContainText(offline, { timeout: RECONNECT_TIMEOUT });
  await expect(c.customer.log.getByText(offline, { exact: true })).toHaveCount(1);
  await expect(a.desk.log.getByText(offline, { exact: true })).toHaveCount(1);
  await expect(unsent).toHaveCount(0);
  // Nothing lost: the session, selected, with its earlier messages.
  await expect(a.desk.sessionTab(name)).toHaveAttribute('aria-selected', 'true');
  for (const text of [question, 'Let me look at your refund.', 'Order 1234.']) {
    await expect(a.desk.log).toContainText(text);
  }
  // Bert's view: his held conversation, his presence.
  await expect(b.desk.action(b.desk.my, 'Open', bertsCustomer)).toBeVisible();
  await expect(b.desk.presenceButton).toHaveAccessibleName('Presence: Away');
  await expect(b.desk.offer).toHaveCount(0);
  // Live both ways again.
  await c.customer.say('Thank you!');
  await expect(a.desk.log).toContainText('Thank you!', { timeout: RECONNECT_TIMEOUT });
  await a.desk.say('You are welcome.');
  await expect(c.customer.log).toContainText('You are welcome.');
  await shot(a.page, 'after-restart-agent');
  await shot(c.page, 'after-restart-customer');

  // A reload keeps the agent signed in, with the open session.
  await a.page.reload();
  const again = new ServerDesk(a.page, 'ana');
  await again.live(15_000);
  await expect(a.page.getByRole('heading', { name: 'Sign in to omnidesk' })).toHaveCount(0);
  await expect(again.signedInAs).toHaveText(AGENT_NAMES.ana);
  await expect(again.sessionTab(name)).toHaveAttribute('aria-selected', 'true');
  for (const text of [question, 'Order 1234.', offline, 'Thank you!', 'You are welcome.']) {
    await expect(again.log).toContainText(text);
  }
  await expect(again.log.getByText(offline, { exact: true })).toHaveCount(1);

  await a.context.close();
  await b.context.close();
  await c.context.close();
});

test('sign out returns to the sign-in page, ends the session, and a reload stays there', async ({
  browser,
  request,
  server,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const signedIn = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/sessions',
  );
  const desk = await signIn(page, 'dana');
  const { token } = await (await signedIn).json();
  const session = () =>
    request.get(`${server.url}/api/session`, { headers: { authorization: `Bearer ${token}` } });
  expect((await session()).status()).toBe(200);

  await desk.signOutButton.click();
  const form = new SignInPage(page);
  await expect(form.heading).toBeVisible();
  await expect(desk.sessions).toHaveCount(0);
  await expect(desk.connection).toHaveCount(0);
  await expect(desk.signOutButton).toHaveCount(0);
  // The server forgot the token.
  expect((await session()).status()).toBe(401);

  await page.reload();
  await expect(form.heading).toBeVisible();
  await expect(form.agentId).toBeVisible();
  await expect(desk.sessions).toHaveCount(0);
  await context.close();
});
