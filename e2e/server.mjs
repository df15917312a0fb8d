// Runs the real omnidesk-server for end-to-end specs: the built debug binary, on loopback, with
// the embedded demo centre (agents ana, bert, chen, dana, eve; password `demo-<id>`), its own
// SQLite file in a fresh temp dir, and the server build of the app (../dist-server) as its `--dist`.
//
//   import { startServer } from '../../server.mjs';
//   const server = await startServer();          // { url, port, db, dir, dist, bin, ... }
//   await page.goto(server.url);
//   await server.kill();                          // SIGKILL, as a crash would
//   await server.restart();                       // same port, same db
//   await server.stop();                          // graceful; removes the temp dir
//
// The binary is ../target/debug/omnidesk-server (or $CARGO_TARGET_DIR/debug/…, or
// $OMNIDESK_SERVER_BIN); `cargo build -p omnidesk-server` builds it (scripts/test does).
//
// With OMNIDESK_E2E_DB=postgres://… (a cluster where this user may create databases, e.g. the
// one scripts/pg-cluster starts) every server gets a fresh PostgreSQL database there instead
// of a SQLite file (`--db postgres://…/e2e_…`; `server.db` is its URL), and a (re)start waits
// until the server holds the lease (`GET /api/health` 200): after a kill, the restarted one is
// a standby until the dead one's lease expires.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** The demo centre's agents (server/src/demo-config.json). */
export const DEMO_AGENTS = ['ana', 'bert', 'chen', 'dana', 'eve'];

/** A demo agent's password. */
export const demoPassword = (agent) => `demo-${agent}`;

/** The server binary the helper runs. */
export function serverBin() {
  if (process.env.OMNIDESK_SERVER_BIN) return resolve(process.env.OMNIDESK_SERVER_BIN);
  const target = process.env.CARGO_TARGET_DIR
    ? resolve(root, process.env.CARGO_TARGET_DIR)
    : join(root, 'target');
  return join(target, 'debug', 'omnidesk-server');
}

// Every running child, killed if this process exits without stopping it.
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
});

/** The PostgreSQL cluster URL the servers' databases go in, or undefined (SQLite). */
export const pgCluster = () => process.env.OMNIDESK_E2E_DB || undefined;

// psql from the newest /usr/lib/postgresql/*/bin, else PATH's.
function psqlBin() {
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/psql`))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return `/usr/lib/postgresql/${versions[0]}/bin/psql`;
  } catch {}
  return 'psql';
}

let databases = 0;
/** A fresh database in the cluster at `cluster`; its URL. */
function freshDatabase(cluster) {
  const name = `e2e_${process.pid}_${databases++}_${Date.now()}`;
  execFileSync(psqlBin(), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', cluster, '-c', `CREATE DATABASE ${name}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = new URL(cluster);
  url.pathname = `/${name}`;
  return url.toString();
}

const LISTENING = /^listening on (http:\/\/127\.0\.0\.1:(\d+))\s*$/;

/**
 * Starts omnidesk-server and resolves once it prints `listening on http://127.0.0.1:PORT`.
 *
 * Options (all optional):
 * - `port`: 0 (default) picks a free one; `restart()` reuses whichever it got.
 * - `db`: the SQLite file (or a postgres:// URL); default `<fresh temp dir>/events.db`, or a
 *   fresh database of $OMNIDESK_E2E_DB's cluster when that is set.
 * - `dist`: the app to serve; default `$E2E_SERVER_DIST` or `../dist-server` (the app's server
 *   build, `trunk build --release --features server --dist dist-server`; relative to e2e/).
 * - `config`: a configuration file (`--config`); default the embedded demo.
 * - `args`: extra flags; `env`: extra environment variables.
 * - `timeout`: ms to wait for the listening line (default 20 000).
 *
 * Returns `{ url, port, db, dir, dist, bin, pid, running, output(), stop(), kill(), restart() }`.
 */
export async function startServer({
  port = 0,
  db,
  dist,
  config,
  args = [],
  env = {},
  timeout = 20_000,
} = {}) {
  const bin = serverBin();
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`cargo build -p omnidesk-server\` first`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'omnidesk-e2e-'));
  const cluster = pgCluster();
  const dbPath = db?.startsWith('postgres')
    ? db
    : db !== undefined
      ? resolve(db)
      : cluster
        ? freshDatabase(cluster)
        : resolve(join(dir, 'events.db'));
  const onPostgres = dbPath.startsWith('postgres');
  const distPath = resolve(here, dist ?? process.env.E2E_SERVER_DIST ?? '../dist-server');
  // Flags, not the environment, configure it: drop any OMNIDESK_* the caller's shell has.
  const childEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OMNIDESK_')),
  );
  Object.assign(childEnv, env);

  let child = null;
  let log = '';
  let currentPort = port;

  const spawnOnce = () =>
    new Promise((resolveStart, rejectStart) => {
      // Specs start many chats from 127.0.0.1: no chat-start limit (issue 18) unless a spec
      // sets one in `args` (a later flag wins).
      const argv = ['--port', String(currentPort), '--db', dbPath, '--dist', distPath, '--chat-start-limit', '0'];
      if (config) argv.push('--config', resolve(here, config));
      argv.push(...args);
      const proc = spawn(bin, argv, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
      proc.exited = exited;
      live.add(proc);
      exited.then(() => live.delete(proc));
      let started = false;
      let pending = '';
      const timer = setTimeout(() => {
        if (started) return;
        proc.kill('SIGKILL');
        rejectStart(new Error(`omnidesk-server did not start within ${timeout} ms\n${log}`));
      }, timeout);
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (chunk) => {
        log = keep(log + chunk);
        if (started) return;
        pending += chunk;
        let nl;
        while (!started && (nl = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          const m = LISTENING.exec(line);
          if (m) {
            started = true;
            clearTimeout(timer);
            resolveStart({ proc, url: m[1], port: Number(m[2]) });
          }
        }
      });
      proc.stderr.setEncoding('utf8');
      proc.stderr.on('data', (chunk) => {
        log = keep(log + chunk);
      });
      proc.once('error', (e) => {
        clearTimeout(timer);
        if (!started) rejectStart(e);
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        if (!started) {
          const e = new Error(`omnidesk-server exited (${signal ?? code}) before listening\n${log}`);
          e.addrInUse = /address already in use|addrinuse/i.test(log);
          rejectStart(e);
        }
      });
    });

  // On PostgreSQL: until it holds the lease (a standby answers 503 with role standby).
  const awaitLeader = async () => {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${currentPort}/api/health`);
        if (r.status === 200) return;
      } catch {}
      if (Date.now() > deadline || !child || child.exitCode !== null) {
        throw new Error(`omnidesk-server did not become the leader within ${timeout} ms\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const start = async () => {
    // A restart on a fixed port may find it still bound for a moment: retry for a few seconds.
    const deadline = Date.now() + 5_000;
    for (;;) {
      try {
        const s = await spawnOnce();
        child = s.proc;
        currentPort = s.port;
        if (onPostgres) await awaitLeader();
        return;
      } catch (e) {
        if (!e.addrInUse || currentPort === 0 || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  const signalAndWait = async (signal, graceMs) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    if (graceMs === undefined) {
      await proc.exited;
      return;
    }
    const done = await Promise.race([
      proc.exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), graceMs)),
    ]);
    if (!done) {
      proc.kill('SIGKILL');
      await proc.exited;
    }
  };

  await start().catch(async (e) => {
    await rm(dir, { recursive: true, force: true });
    throw e;
  });

  const server = {
    get url() {
      return `http://127.0.0.1:${currentPort}`;
    },
    get port() {
      return currentPort;
    },
    db: dbPath,
    dir,
    dist: distPath,
    bin,
    get pid() {
      return child?.pid;
    },
    /** Whether the process is alive. */
    get running() {
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    /** What the server printed (stdout and stderr, the last 64 KiB). */
    output: () => log,
    /** SIGKILL (no chance to clean up, like a crash) and wait for the exit. Keeps the db. */
    kill: () => signalAndWait('SIGKILL'),
    /** Starts it again on the same port with the same db (stopping it first if it runs). */
    async restart() {
      await signalAndWait('SIGINT', 5_000);
      await start();
      return server;
    },
    /** Stops it (SIGINT, then SIGKILL after 5 s) and removes its temp dir. */
    async stop() {
      await signalAndWait('SIGINT', 5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}

function keep(text) {
  return text.length > 65_536 ? text.slice(-65_536) : text;
}
