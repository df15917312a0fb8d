// Page objects of server mode (the app as a client of omnidesk-server): the sign-in page, the
// desk's Connection status / Sign out / refusal bar, and the customer chat page at /chat.
// Like ./workspace.js they find things by role and accessible name (ui-contract.md).
import { expect } from '@playwright/test';
import { WorkspacePage } from './workspace.js';
import { demoPassword } from '../server.mjs';

/** The demo centre's display names (server/src/demo-config.json). */
export const AGENT_NAMES = {
  ana: 'Ana Lima',
  bert: 'Bert Novak',
  chen: 'Chen Wei',
  dana: 'Dana Okafor',
  eve: 'Eve Martin',
  // The demo supervisor (issue 14), supervising every queue; the name must be the server's.
  sam: 'Sam Rivera',
};

/** How long a reconnect may take: the backoff grows to 15 s (± 25 %) while the server is down. */
export const RECONNECT_TIMEOUT = 40_000;

/** The sign-in page. */
export class SignInPage {
  constructor(page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Sign in to omnidesk' });
    this.agentId = page.getByRole('textbox', { name: 'Agent ID' });
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    this.alert = page.getByRole('alert').filter({ hasText: /\S/ });
  }

  async goto(url = '/') {
    await this.page.goto(url);
    await expect(this.heading).toBeVisible();
  }

  async fill(agent, password) {
    await this.agentId.fill(agent);
    await this.password.fill(password);
  }
}

/** The desk in server mode: the workspace page plus the top bar's server controls. */
export class ServerDesk extends WorkspacePage {
  constructor(page, agent) {
    super(page);
    this.agent = agent;
    this.name = AGENT_NAMES[agent] ?? agent;
    this.connection = page.getByRole('status', { name: 'Connection', exact: true });
    this.signOutButton = page.getByRole('button', { name: 'Sign out', exact: true });
    // The signed-in agent's display name in the top bar.
    this.signedInAs = page.getByRole('banner').getByText(this.name, { exact: true });
    // The refusal bar (role=alert with a Dismiss button): hidden while there is no refusal.
    this.refusal = page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Dismiss' }) });
    this.log = this.conversation.getByRole('log');
    this.message = this.conversation.getByRole('textbox', { name: 'Message' });
    this.sendButton = this.conversation.getByRole('button', { name: 'Send', exact: true });
  }

  /** Waits for Connection "Live" (exactly: no pending actions either). */
  async live(timeout) {
    await expect(this.connection).toHaveText('Live', { timeout });
  }

  /** Types and sends a message in the selected conversation. */
  async say(text) {
    await this.message.fill(text);
    await this.sendButton.click();
    await expect(this.message).toHaveValue('');
  }
}

/**
 * Signs `agent` in at the sign-in page (opening it unless it is already shown) and waits for the
 * desk, live. Returns the ServerDesk.
 */
export async function signIn(page, agent, password = demoPassword(agent)) {
  const form = new SignInPage(page);
  if (!(await form.heading.isVisible())) await form.goto('/');
  await form.fill(agent, password);
  await form.submit.click();
  const desk = new ServerDesk(page, agent);
  await expect(desk.homeTab).toBeVisible({ timeout: 15_000 });
  await desk.live(15_000);
  await expect(desk.signedInAs).toBeVisible();
  return desk;
}

/**
 * Puts `page`'s WebSocket to the server through Playwright, so a test can hold what the server
 * says for a moment: `hold()` queues every frame from the server (in order) instead of
 * delivering it, `release()` delivers the queue and stops holding. `sent` lists the frames the
 * page sent; `waitForSent(pattern)` resolves once one matches. Call before the page connects.
 *
 * A race "at once" is then exact: hold both agents' sockets, let each press its button (each
 * action goes out to the server), release: neither page learns of the other's action before
 * pressing, whatever the two browsers' timing.
 */
export async function holdableSocket(page) {
  const ctl = {
    held: false,
    queue: [],
    sent: [],
    waiters: [],
    hold() {
      ctl.held = true;
    },
    release() {
      ctl.held = false;
      for (const deliver of ctl.queue.splice(0)) deliver();
    },
    waitForSent(pattern) {
      const found = ctl.sent.find((m) => pattern.test(m));
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => ctl.waiters.push({ pattern, resolve }));
    },
  };
  await page.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const text = String(message);
      ctl.sent.push(text);
      ctl.waiters = ctl.waiters.filter((w) => !(w.pattern.test(text) && (w.resolve(text), true)));
      server.send(message);
    });
    server.onMessage((message) => {
      const deliver = () => ws.send(message);
      if (ctl.held || ctl.queue.length) ctl.queue.push(deliver);
      else deliver();
    });
  });
  return ctl;
}

/**
 * A new browser context (its own localStorage: one agent each) with `agent` signed in; with
 * `holdable`, its socket is a `holdableSocket` (`desk.socket`).
 */
export async function agentContext(browser, agent, { colorScheme, holdable = false, clockOffsetMs = 0 } = {}) {
  const context = await browser.newContext(colorScheme ? { colorScheme } : {});
  const page = await context.newPage();
  // A browser whose clock is off by `clockOffsetMs` (Date only; timers run normally).
  if (clockOffsetMs) await page.clock.setSystemTime(Date.now() + clockOffsetMs);
  const socket = holdable ? await holdableSocket(page) : null;
  const desk = await signIn(page, agent);
  desk.socket = socket;
  return { context, page, desk };
}

/** Sets a presence through the Presence menu, with the mouse, and waits for the server's echo. */
export async function setPresence(page, label) {
  const desk = page instanceof ServerDesk ? page : new ServerDesk(page);
  await desk.setPresence(label);
}

/** A customer arrival through the API (set-up); returns { item, token }. */
export async function startChat(request, url, name, question) {
  const res = await request.post(`${url}/api/conversations`, { data: { name, question } });
  expect(res.status(), await res.text()).toBe(201);
  return res.json();
}

/** The customer chat page (/chat) served by the server. */
export class CustomerPage {
  constructor(page) {
    this.page = page;
    this.name = page.getByRole('textbox', { name: 'Your name' });
    this.question = page.getByRole('textbox', { name: 'Your question' });
    this.start = page.getByRole('button', { name: 'Start chat' });
    this.log = page.getByRole('log');
    this.message = page.getByRole('textbox', { name: 'Message' });
    this.sendButton = page.getByRole('button', { name: 'Send', exact: true });
    this.end = page.getByRole('button', { name: 'End chat' });
  }

  /** Opens /chat and starts a chat; resolves once the customer is in the queue. */
  async startChat(url, name, question) {
    await this.page.goto(`${url}/chat`);
    await this.name.fill(name);
    await this.question.fill(question);
    await this.start.click();
    await expect(this.log).toContainText(question);
    await expect(this.log.getByText("You're in the queue", { exact: false })).toBeVisible();
  }

  async say(text) {
    await this.message.fill(text);
    await this.sendButton.click();
    await expect(this.message).toHaveValue('');
  }
}

/** A new browser context with the customer page on `url`/chat, the chat started. */
export async function customerContext(browser, url, name, question) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const customer = new CustomerPage(page);
  await customer.startChat(url, name, question);
  return { context, page, customer };
}
