/**
 * `npm run bench`: runs every benchmark module, prints one table and writes
 * bench-results/latest.json. Figures, never assertions: timing does not belong in tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BenchRow } from './bench/bench-kit.js';
import { benchDaytona } from './bench/daytona.js';
import { benchHttp } from './bench/http.js';
import { benchLocalExecutor } from './bench/local-executor.js';
import { benchReason } from './bench/reason.js';
import { benchState } from './bench/state.js';
import { benchValidator } from './bench/validator.js';

const SUITES: Record<string, () => Promise<BenchRow[]>> = {
  validator: benchValidator,
  'local-executor': benchLocalExecutor,
  reason: benchReason,
  http: benchHttp,
  daytona: benchDaytona,
  state: benchState,
};

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
const failures: string[] = [];
for (const [name, suite] of Object.entries(SUITES)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  try {
    rows.push(...(await suite()));
  } catch (e) {
    failures.push(`${name}: ${(e as Error).message}`);
  }
}

const header = ['group', 'scenario', 'runs', 'median ms', 'p95 ms', 'baseline median ms', 'speedup', 'extra'];
const table = rows.map((r) => [
  r.group,
  r.scenario,
  String(r.runs),
  r.medianMs.toFixed(3),
  r.p95Ms.toFixed(3),
  r.baseline ? `${r.baseline.medianMs.toFixed(3)} (${r.baseline.scenario})` : '',
  r.speedup ? `${r.speedup.toFixed(1)}x` : '',
  r.extra ? Object.entries(r.extra).map(([k, v]) => `${k}=${v}`).join(' ') : '',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${table.map(line).join('\n')}\n`);

mkdirSync('bench-results', { recursive: true });
const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) };
writeFileSync('bench-results/latest.json', `${JSON.stringify({ date: new Date().toISOString(), machine, rows, failures }, null, 2)}\n`);
process.stdout.write(`\nwrote bench-results/latest.json (${rows.length} rows)\n`);
if (failures.length > 0) {
  process.stderr.write(`bench failures:\n  ${failures.join('\n  ')}\n`);
  process.exitCode = 1;
}
