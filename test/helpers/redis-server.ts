/**
 * Starts a real `redis-server` (found on PATH) on a free loopback port for integration tests and
 * benchmarks: no persistence (`--save '' --appendonly no`), its own temporary folder, ready when
 * PING answers. `kill()` and `restart()` (same port) let fault tests take Redis away mid-use.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Graceful stop (SIGTERM) and removal of its folder. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; the folder stays for `restart()`. */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port (data is gone: nothing is persisted). */
  restart(): Promise<void>;
}

/** The `redis-server` executable on PATH, or null. */
export function findRedisServer(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * True when Redis suites can run. Without `redis-server`: throws in CI (`CI` set), where the suite
 * must run, and otherwise prints a loud skip message and returns false.
 */
export function redisAvailable(suite: string): boolean {
  if (findRedisServer()) return true;
  const message = `redis-server not found on PATH. Install it (Debian: apt-get install redis-server).`;
  if (process.env.CI) throw new Error(`${message} CI must run the Redis suites.`);
  const bar = '!'.repeat(100);
  console.warn(`\n${bar}\n!!! SKIPPING ${suite}: ${message}\n${bar}\n`);
  return false;
}

/** Starts a server; always `stop()` it in `finally`/`afterAll`. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server not found on PATH; install it (Debian: apt-get install redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rk-redis-'));
  let child: ChildProcess | null = await launch(binary, port, dir);
  let stopped = false;

  const terminate = async (signal: NodeJS.Signals) => {
    const running = child;
    child = null;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill(signal);
      const timer = setTimeout(() => running.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await terminate('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await terminate('SIGKILL');
    },
    async restart() {
      if (stopped) throw new Error('restart() after stop()');
      await terminate('SIGKILL');
      child = await launch(binary, port, dir);
    },
  };
}

async function launch(binary: string, port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 8192) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await pingOk(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited during start on port ${port}:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  // Keep draining its output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Sends an inline PING over raw TCP; true on `+PONG`. */
function pingOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/** Asks the kernel for a free loopback port (a tiny race remains until redis binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
