// The real server serves the release build marked for server mode, answers its API, and comes
// back on the same port with the same database after a SIGKILL.
import { test, expect } from '../../fixtures/server.js';

test('the server serves the app marked for server mode, and survives kill + restart', async ({
  page,
  request,
  server,
}) => {
  await page.goto(server.url);
  await expect(page.locator('meta[name="omnidesk-server"]')).toHaveAttribute('content', '/');
  // Deep links get the marked app too.
  await page.goto(`${server.url}/chat`);
  await expect(page.locator('meta[name="omnidesk-server"]')).toHaveAttribute('content', '/');

  const health = async () => {
    const res = await request.get(`${server.url}/api/health`);
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.ok).toBe(true);
    return body;
  };
  await health();

  // State that must survive: a signed-in agent's session (durable in the db).
  const signIn = await request.post(`${server.url}/api/sessions`, {
    data: { agent: 'ana', password: 'demo-ana' },
  });
  expect(signIn.status()).toBe(200);
  const { token } = await signIn.json();

  const { port, db } = server;
  await server.kill();
  expect(server.running).toBe(false);
  await expect(request.get(`${server.url}/api/health`)).rejects.toThrow();

  await server.restart();
  expect(server.port).toBe(port);
  expect(server.db).toBe(db);
  await health();
  const me = await request.get(`${server.url}/api/session`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(me.status()).toBe(200);
  expect((await me.json()).principal).toEqual({ kind: 'agent', agent: 'ana' });
  await page.goto('/');
  await expect(page.locator('meta[name="omnidesk-server"]')).toHaveAttribute('content', '/');
});
