/**
 * HTTP load generator for `npm run bench` (http suite), run as its own process so the server's
 * process measures the server alone: keep-alive `node:http` clients, at most `concurrency`
 * requests in flight, `total` in all. `execute` requests send a distinct program each
 * (`print(<n>)`, so no validator or result cache can answer) and count a 200 whose stdout is
 * not `<n>\n` as wrong. Prints one JSON line: per-request latencies, wall time, status counts.
 *
 * Usage: node http-load.js '{"url":"http://127.0.0.1:PORT","total":N,"concurrency":C,"kind":"execute"|"config","offset":0}'
 */
import { Agent, request } from 'node:http';

export interface LoadSpec {
  url: string;
  total: number;
  concurrency: number;
  kind: 'execute' | 'config';
  /** First program number (distinct programs across runs). */
  offset?: number;
}

export interface LoadReport {
  samplesMs: number[];
  wallMs: number;
  /** HTTP status → count; 299 counts 200 answers with a wrong or failed result. */
  statuses: Record<string, number>;
}

function send(agent: Agent, base: URL, spec: LoadSpec, n: number): Promise<number> {
  const execute = spec.kind === 'execute';
  const body = execute ? JSON.stringify({ code: `print(${n})\n` }) : undefined;
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: execute ? 'POST' : 'GET',
        path: execute ? '/api/v2/daytona/execute' : '/api/v2/daytona/config',
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (!execute || status !== 200) return resolve(status);
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: string; stdout?: string };
            resolve(parsed.status === 'completed' && parsed.stdout === `${n}\n` ? 200 : 299);
          } catch {
            resolve(299);
          }
        });
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadReport> {
  const base = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const samplesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let issued = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (issued < spec.total) {
      const n = (spec.offset ?? 0) + issued++;
      const start = performance.now();
      const status = await send(agent, base, spec, n);
      samplesMs.push(performance.now() - start);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  const wallMs = performance.now() - t0;
  agent.destroy();
  return { samplesMs, wallMs, statuses };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\u0000')) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
  const report = await runLoad(spec);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
