// Issue 18 in a real browser: the app runs under the server's Content-Security-Policy (the
// fixture fails on any `securitypolicyviolation`), the desk refuses to be framed, and /chat
// may be framed by a `--chat-embed-origin` origin only.
import { test, expect } from '../../fixtures/test.js';
import { startServer } from '../../server.mjs';
import { SignInPage } from '../../pages/server.js';
import { createServer } from 'node:http';

// A company's site on an origin of its own (a real loopback server on another port: a page
// Playwright fulfilled itself would be refused a loopback frame for another reason), framing
// the desk and the chat of `server`.
async function embedder() {
  let target = '';
  const site = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>shop</title>
      <iframe name="desk" title="desk" src="${target}/"></iframe>
      <iframe name="chat" title="chat" src="${target}/chat"></iframe>`);
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${site.address().port}`,
    frame: (server) => {
      target = server.url;
    },
    close: () => new Promise((r) => site.close(r)),
  };
}

async function embed(page, site, server) {
  site.frame(server);
  await page.goto(`${site.origin}/`);
}

// Chromium reports a refused frame on the console; that is what these tests provoke.
// (A fixture option's array value goes in a tuple: Playwright reads `[value, options]`.)
test.use({ allowedConsoleErrors: [[/Refused to (frame|display)/, /frame-ancestors/], {}] });

test('the desk under its CSP: signs in and shows the Home session without a violation', async ({
  page,
}) => {
  const server = await startServer();
  try {
    const res = await page.goto(`${server.url}/`);
    const csp = res.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'sha256-");
    expect(csp).toContain("frame-ancestors 'none'");
    const signIn = new SignInPage(page);
    await expect(signIn.heading).toBeVisible();
    await signIn.fill('ana', 'demo-ana');
    await signIn.submit.click();
    await expect(page.getByRole('tablist', { name: 'Sessions' })).toBeVisible();
  } finally {
    await server.stop();
  }
});

test('a framed desk is refused; /chat is framed only by a --chat-embed-origin origin', async ({
  page,
}) => {
  const site = await embedder();
  const server = await startServer();
  try {
    await embed(page, site, server);
    // Neither frame shows the app: the browser refused both (no embed origin configured) and
    // put its error page in their place.
    for (const name of ['desk', 'chat']) {
      await expect.poll(() => page.frame({ name })?.url()).toMatch(/^chrome-error:/);
    }
  } finally {
    await server.stop();
  }
  const embedding = await startServer({ args: ['--chat-embed-origin', site.origin] });
  try {
    await embed(page, site, embedding);
    await expect(
      page.frameLocator('iframe[name="chat"]').getByRole('button', { name: 'Start chat' }),
    ).toBeVisible();
    // The desk stays unframeable.
    await expect.poll(() => page.frame({ name: 'desk' })?.url()).toMatch(/^chrome-error:/);
  } finally {
    await embedding.stop();
    await site.close();
  }
});
