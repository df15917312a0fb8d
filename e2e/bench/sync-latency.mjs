// Server sync benchmark (not a test; prints figures, asserts nothing about time): from one
// agent's click to another agent's browser showing the change, measured in that browser, while
// 0, 20 and 200 further WebSocket clients are subscribed to the whole log on loopback.
//
// Set-up: the release omnidesk-server (embedded demo centre, fresh SQLite file) serving the
// release app; one headless Chromium with two contexts, ana and bert signed in through the
// sign-in form, both set Away so live chats wait in queue `general` ("Open work items" of both).
// For each K, K extra sockets (Node's WebSocket; tokens of chen, dana and eve, who never sign in
// to routing) auth and subscribe after 0, read the whole log and keep reading. Then each round:
//   1. the first "Pick <name>" row present in both pages is chosen; bert's page arms a
//      MutationObserver for that row;
//   2. ana's page clicks it (`button.click()` in the page) and records t_click =
//      performance.timeOrigin + performance.now() just before;
//   3. bert's observer records t_dom (same clock) when "Pick <name>" has left its DOM, and the
//      next animation frame (t_frame); a listener in front of the app's own on both pages'
//      WebSocket records when the first frame naming the item arrived (t_ws);
//   4. latency = t_dom − t_click (corrected for the two pages' clock offset, measured first);
//   5. ana closes the chat through the API (`end`, then `close`) so her capacity (100; a chat
//      costs 20) never runs out — she would be asked to confirm the 6th pick (R10) — and the
//      next round waits until both pages have folded that, plus a random 50–150 ms pause.
// The first BENCH_WARMUP rounds of each K are not counted.
//
// Also printed, to tell where the time goes: when the event's frame reached each page's socket,
// the hub's time per turn and in its commit (GET /api/debug/stats: the server runs with
// --load-test-tokens for that, which changes nothing on the measured path; BENCH_STATS=0 to
// run without), the round trip of one API action, and what one fsync costs on the disk.
//
// Env: BENCH_K (default "0,20,200"), BENCH_ROUNDS (200 counted rounds per K), BENCH_WARMUP (10),
// BENCH_OPEN (40 chats left waiting at the end of each K), BENCH_DIST (the server build of the
// app; default $E2E_SERVER_DIST, else ../dist-server), OMNIDESK_SERVER_BIN (default
// ../target/release/omnidesk-server), CHROMIUM (/usr/bin/chromium). Node 20 runs itself again
// with --experimental-websocket. Run through scripts/bench-sync, or
// `cd e2e && BENCH_DIST=/path/to/dist node bench/sync-latency.mjs`.
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Node 20 has WebSocket behind a flag (on by default from Node 22): run again with it.
if (typeof WebSocket === 'undefined') {
  const r = spawnSync(process.execPath, ['--experimental-websocket', ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const here = dirname(fileURLToPath(import.meta.url));
process.env.OMNIDESK_SERVER_BIN ??= resolve(here, '../../target/release/omnidesk-server');
const { chromium } = await import('@playwright/test');
const { startServer } = await import('../server.mjs');
const { setTimeout: sleep } = await import('node:timers/promises');

const KS = (process.env.BENCH_K ?? '0,20,200').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const OPEN = Number(process.env.BENCH_OPEN ?? 40);
const DIST = resolve(process.env.BENCH_DIST ?? process.env.E2E_SERVER_DIST ?? resolve(here, '../../dist-server'));
const READER_AGENTS = ['chen', 'dana', 'eve'];

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

// The hub's counters (turns, time in the commit with its fsync, in the fan-out) are served at
// GET /api/debug/stats only in load-test mode; the mode changes nothing on the measured path.
const STATS = process.env.BENCH_STATS !== '0';
const statsDir = mkdtempSync(join(tmpdir(), 'omnidesk-bench-'));
const server = await startServer({
  dist: DIST,
  args: STATS ? ['--load-test-tokens', join(statsDir, 'tokens')] : [],
});
console.log(`server ${server.bin} (dist ${DIST}) at ${server.url}; ${availableParallelism()} CPUs, load average ${loadavg()}`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

async function post(path, body, token) {
  const res = await fetch(server.url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

async function hubStats() {
  if (!STATS) return null;
  const res = await fetch(`${server.url}/api/debug/stats`);
  return res.ok ? res.json() : null;
}

/** Per turn of the hub between two readings: time in the turn, the commit (fsync), the fan-out. */
function perTurn(a, b) {
  if (!a || !b) return null;
  const turns = b.hub.turns - a.hub.turns;
  const ms = (f) => (b.hub[f] - a.hub[f]) / turns / 1e6;
  return {
    turns,
    turn: ms('turn_ns'),
    commit: ms('commit_ns'),
    publish: ms('publish_ns'),
    deliveries: b.fanout.event_deliveries - a.fanout.event_deliveries,
  };
}

async function lastSeq() {
  const res = await fetch(`${server.url}/api/health`);
  return (await res.json()).last_seq;
}

// In each page, before the app: a listener in front of the app's WebSocket `onmessage`, which
// notes when the first frame naming the watched item arrives.
const INIT = () => {
  const Native = window.WebSocket;
  window.__bench = { watch: null, ws: null };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const b = window.__bench;
        if (b.watch && b.ws === null && typeof e.data === 'string' && e.data.includes(b.watch)) {
          b.ws = performance.timeOrigin + performance.now();
        }
      });
    }
  };
};

async function signIn(agent) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(INIT);
  const page = await ctx.newPage();
  await page.goto(server.url);
  await page.getByRole('textbox', { name: 'Agent ID' }).fill(agent);
  await page.getByLabel('Password').fill(`demo-${agent}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('status', { name: 'Connection' }).filter({ hasText: 'Live' }).waitFor();
  await page.getByRole('button', { name: /^Presence: / }).click();
  await page.getByRole('menuitemradio', { name: 'Away' }).click();
  await page.getByRole('button', { name: 'Presence: Away' }).waitFor();
  return page;
}

// A page's performance.timeOrigin + now() minus the wall clock (Date.now()), read at the
// instants Date.now() ticks over (so to well under a millisecond); median of 15 ticks.
async function clockOffset(page) {
  return page.evaluate(() => {
    const out = [];
    for (let k = 0; k < 15; k++) {
      const d0 = Date.now();
      let d;
      let hr;
      do {
        hr = performance.timeOrigin + performance.now();
        d = Date.now();
      } while (d === d0);
      out.push(hr - d);
    }
    out.sort((a, b) => a - b);
    return out[7];
  });
}

/** K further clients: auth, subscribe after 0, read everything. */
async function openReaders(k, tokens, target) {
  const wsUrl = `${server.url.replace('http', 'ws')}/api/ws`;
  const readers = [];
  for (let i = 0; i < k; i++) {
    const r = { socket: new WebSocket(wsUrl), seq: 0, frames: 0, resyncs: 0, error: null };
    r.socket.addEventListener('open', () => {
      r.socket.send(JSON.stringify({ type: 'auth', token: tokens[i % tokens.length] }));
    });
    r.socket.addEventListener('message', (e) => {
      r.frames++;
      const f = JSON.parse(e.data);
      if (f.type === 'authenticated') {
        r.socket.send(JSON.stringify({ type: 'subscribe', after: 0 }));
      } else if (f.type === 'event') {
        r.seq = Math.max(r.seq, f.event.seq);
      } else if (f.type === 'resync') {
        r.resyncs++;
        r.socket.send(JSON.stringify({ type: 'subscribe', after: f.after }));
      } else if (f.type === 'error') {
        r.error = `${f.error}: ${f.reason}`;
      }
    });
    r.socket.addEventListener('close', () => {
      r.error ??= 'closed';
    });
    readers.push(r);
  }
  await waitReaders(readers, target, 'to catch up');
  return readers;
}

async function waitReaders(readers, target, what) {
  const deadline = Date.now() + 60_000;
  while (readers.some((r) => r.seq < target)) {
    const bad = readers.find((r) => r.error);
    if (bad) throw new Error(`a reader failed: ${bad.error}`);
    if (Date.now() > deadline) {
      const behind = readers.filter((r) => r.seq < target).length;
      throw new Error(`${behind} of ${readers.length} readers did not reach seq ${target} ${what}`);
    }
    await sleep(20);
  }
}

// What one fsync costs where the server's SQLite file is (os.tmpdir()): 4 KiB write + fsync.
function fsyncProbe(dir) {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const buf = Buffer.alloc(4096, 1);
  const times = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    writeSync(fd, buf);
    fsyncSync(fd);
    times.push(performance.now() - t);
  }
  closeSync(fd);
  rmSync(file);
  return times.sort((a, b) => a - b);
}

const pct = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
const fmt = (x) => x.toFixed(1);

let chatNo = 0;
const itemOf = new Map(); // customer name → item id
async function addChats(n) {
  for (let i = 0; i < n; i++) {
    const name = `Bench ${String(chatNo++).padStart(4, '0')}`;
    const r = await post('/api/conversations', { name, question: 'How long does sync take?' });
    itemOf.set(name, r.item);
  }
}

const rows = [];
try {
  const ana = await signIn('ana');
  const bert = await signIn('bert');
  const anaToken = (await post('/api/sessions', { agent: 'ana', password: 'demo-ana' })).token;
  const readerTokens = [];
  for (const a of READER_AGENTS) {
    readerTokens.push((await post('/api/sessions', { agent: a, password: `demo-${a}` })).token);
  }
  const fs = fsyncProbe(server.dir);
  console.log(`fsync of 4 KiB in ${server.dir}: p50 ${fmt(pct(fs, 0.5))} ms, p90 ${fmt(pct(fs, 0.9))} ms (50 writes)`);
  const [offAna, offBert] = [await clockOffset(ana), await clockOffset(bert)];
  // Added to bert's times to put them on ana's clock.
  const skew = offAna - offBert;
  console.log(`pages' clocks vs the wall clock: ana ${offAna.toFixed(3)} ms, bert ${offBert.toFixed(3)} ms (correction ${skew.toFixed(3)} ms)`);
  let act = 0;
  const action = (input) =>
    post('/api/actions', { client_id: 'bench', action_id: `bench-${act++}`, input }, anaToken);

  let open = 0;
  let readers = [];
  for (const k of KS) {
    for (const r of readers) r.socket.close();
    await addChats(OPEN + WARMUP + ROUNDS - open);
    open = OPEN + WARMUP + ROUNDS;
    const t0 = Date.now();
    readers = await openReaders(k, readerTokens, await lastSeq());
    if (k) console.log(`K=${k}: ${k} readers caught up from seq 0 in ${Date.now() - t0} ms`);
    // Both pages show the new chats (the count by the heading: the lists are windowed).
    for (const p of [ana, bert]) {
      await p.waitForFunction(
        (n) =>
          document.querySelector('ul[aria-label="Open work items"]')?.closest('section')
            ?.querySelector('.count')?.textContent === String(n),
        open,
      );
    }
    const lat = [];
    const toWs = [];
    const ownWs = [];
    const wsToDom = [];
    const toFrame = [];
    const http = []; // POST /api/actions (ana's `end`) round trips, from Node
    const load0 = loadavg();
    const stats0 = await hubStats();
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      // The first row both pages render (the lists are windowed and in the same order).
      const shown = await bert.evaluate(() =>
        [...document.querySelectorAll('[aria-label^="Pick "]')].map((b) => b.getAttribute('aria-label').slice(5)),
      );
      const name = await ana.evaluate(
        (names) =>
          names.find((n) => document.querySelector(`[aria-label="Pick ${CSS.escape(n)}"]`)) ?? null,
        shown,
      );
      if (!name) throw new Error(`no row shown in both pages (bert shows ${shown.length})`);
      const item = itemOf.get(name);
      await bert.evaluate(
        ({ name, item }) => {
          const b = window.__bench;
          b.watch = item;
          b.ws = null;
          b.dom = null;
          b.frame = null;
          const sel = `[aria-label="Pick ${CSS.escape(name)}"]`;
          const obs = new MutationObserver(() => {
            if (document.querySelector(sel)) return;
            b.dom = performance.timeOrigin + performance.now();
            obs.disconnect();
            requestAnimationFrame(() => {
              b.frame = performance.timeOrigin + performance.now();
            });
          });
          obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        },
        { name, item },
      );
      const tClick = await ana.evaluate(
        ({ name, item }) => {
          const b = window.__bench;
          b.watch = item;
          b.ws = null;
          const btn = document.querySelector(`[aria-label="Pick ${CSS.escape(name)}"]`);
          const t = performance.timeOrigin + performance.now();
          btn.click();
          return t;
        },
        { name, item },
      );
      await bert.waitForFunction(() => window.__bench.frame !== null, null, { timeout: 30_000 });
      const seen = await bert.evaluate(() => ({ ...window.__bench }));
      const anaWs = await ana.evaluate(() => window.__bench.ws);
      // The row must go because of the pick's frame: after it reached bert's socket.
      if (seen.ws === null || seen.dom < seen.ws) {
        throw new Error(`round ${round}: bert's row went at ${seen.dom} but the frame came at ${seen.ws}`);
      }
      if (round >= WARMUP) {
        lat.push(seen.dom + skew - tClick);
        toFrame.push(seen.frame + skew - tClick);
        toWs.push(seen.ws + skew - tClick);
        wsToDom.push(seen.dom - seen.ws);
        if (anaWs !== null) ownWs.push(anaWs - tClick);
      }
      // Ana closes it (through the API) so her capacity never fills; both pages fold that.
      await ana.getByRole('button', { name: `Open ${name}`, exact: true }).waitFor();
      const ta = performance.now();
      await action({ input: 'end', item });
      if (round >= WARMUP) http.push(performance.now() - ta);
      await action({ input: 'close', item });
      await ana.getByRole('button', { name: `Open ${name}`, exact: true }).waitFor({ state: 'detached' });
      await bert.evaluate(() => {
        window.__bench.watch = null;
      });
      await sleep(50 + Math.random() * 100);
    }
    open -= WARMUP + ROUNDS;
    // Every reader got every event (fan-out to all K), and none fell out of the stream.
    const target = await lastSeq();
    await waitReaders(readers, target, 'at the end');
    const frames = readers.reduce((s, r) => s + r.frames, 0);
    const resyncs = readers.reduce((s, r) => s + r.resyncs, 0);
    const hub = perTurn(stats0, await hubStats());
    const s = (xs) => [...xs].sort((a, b) => a - b);
    const L = s(lat);
    const row = {
      k,
      n: L.length,
      p50: pct(L, 0.5),
      p90: pct(L, 0.9),
      p99: pct(L, 0.99),
      max: L[L.length - 1],
      ws50: pct(s(toWs), 0.5),
      ws99: pct(s(toWs), 0.99),
      own50: ownWs.length ? pct(s(ownWs), 0.5) : NaN,
      dom50: pct(s(wsToDom), 0.5),
      dom99: pct(s(wsToDom), 0.99),
      frame50: pct(s(toFrame), 0.5),
      http50: pct(s(http), 0.5),
      load: `${load0} → ${loadavg()}`,
      hub,
    };
    rows.push(row);
    console.log(
      `K=${k}: click → bert's DOM p50 ${fmt(row.p50)} p90 ${fmt(row.p90)} p99 ${fmt(row.p99)} max ${fmt(row.max)} ms (n=${row.n}); ` +
        `click → frame at bert's socket p50 ${fmt(row.ws50)} p99 ${fmt(row.ws99)}; at ana's own ${fmt(row.own50)}; ` +
        `bert's frame → DOM p50 ${fmt(row.dom50)} p99 ${fmt(row.dom99)}; → next animation frame p50 ${fmt(row.frame50)}` +
        `; an API action (end) p50 ${fmt(row.http50)} ms` +
        (k ? `; readers: all ${k} at seq ${target}, ${frames} frames read, ${resyncs} resyncs` : '') +
        `; load average ${row.load}` +
        (hub
          ? `; hub: ${hub.turns} turns, per turn ${hub.turn.toFixed(2)} ms of which commit (fsync) ${hub.commit.toFixed(2)} ms, fan-out ${hub.publish.toFixed(3)} ms; ${hub.deliveries} event deliveries`
          : ''),
    );
  }
  for (const r of readers) r.socket.close();
  console.log();
  console.log('| further clients | n | p50 ms | p90 ms | p99 ms | max ms | click → frame at bert\'s socket p50 / p99 ms | frame → DOM p50 / p99 ms | click → next animation frame p50 ms | API action p50 ms | hub commit ms / turn | load average |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.k} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p90)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.ws50)} / ${fmt(r.ws99)} | ${fmt(r.dom50)} / ${fmt(r.dom99)} | ${fmt(r.frame50)} | ${fmt(r.http50)} | ${r.hub ? r.hub.commit.toFixed(2) : 'n/a'} | ${r.load} |`,
    );
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(statsDir, { recursive: true, force: true });
}
