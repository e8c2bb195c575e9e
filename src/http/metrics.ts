/**
 * Prometheus text exposition (format 0.0.4) without a client library: a handful of counters, two
 * histograms and gauges read at scrape time. One instance per server, so tests do not share state.
 */
import type { ExecutionResult, ExecutorStatus } from '../kernel/contracts.js';

type Labels = Record<string, string>;

/** Execution durations, seconds: from a warm local run to a long Daytona job. */
const EXECUTION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** HTTP request durations, seconds. */
const HTTP_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${formatLabels(labels)} ${value}`);
    return lines;
  }
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: number[],
  ) {}

  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket${formatLabels({ ...s.labels, le: String(le) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${formatLabels({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${formatLabels(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${formatLabels(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

/** Where an execution came from, as a label. */
export type ExecutionSource = 'execute' | 'batch' | 'test' | 'reason';

/** The server's metrics. */
export class HttpMetrics {
  readonly executions = new Counter('rk_executions_total', 'Sandboxed executions by outcome status and the sandbox that ran them.');
  readonly executionDuration = new Histogram(
    'rk_execution_duration_seconds',
    'Wall time of sandboxed executions (refused programs excluded), seconds.',
    EXECUTION_BUCKETS_S,
  );
  readonly fallbacks = new Counter('rk_sandbox_fallbacks_total', 'Executions the local executor ran because Daytona failed.');
  readonly refusals = new Counter('rk_validation_refusals_total', 'Programs refused by static validation before running.');
  readonly reasonRuns = new Counter('rk_reason_runs_total', 'Reasoning runs by outcome (success, declined, failed).');
  readonly httpRequests = new Counter('rk_http_requests_total', 'HTTP requests by method, route template and status code.');
  readonly httpDuration = new Histogram('rk_http_request_duration_seconds', 'HTTP request latency by route template, seconds.', HTTP_BUCKETS_S);

  /** Records one execution result. */
  recordExecution(result: ExecutionResult, source: ExecutionSource): void {
    const sandboxType = result.metadata.sandboxType;
    this.executions.inc({ status: result.status, sandbox_type: sandboxType, source });
    if (result.status === 'security_violation') {
      this.refusals.inc({ source });
      return;
    }
    this.executionDuration.observe({ sandbox_type: sandboxType }, result.executionTime);
    if (result.metadata.fallback) this.fallbacks.inc({ source });
  }

  recordRequest(method: string, route: string, statusCode: number, durationS: number): void {
    this.httpRequests.inc({ method, route, status_code: String(statusCode) });
    this.httpDuration.observe({ route }, durationS);
  }

  /** The exposition text; `status` (read at scrape time) feeds the queue gauges when available. */
  render(gauges: { status?: ExecutorStatus; inFlight: number; inFlightLimit: number }): string {
    const lines: string[] = [];
    for (const metric of [this.executions, this.executionDuration, this.fallbacks, this.refusals, this.reasonRuns, this.httpRequests, this.httpDuration]) {
      lines.push(...metric.render());
    }
    const gauge = (name: string, help: string, value: number, labels: Labels = {}) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}${formatLabels(labels)} ${value}`);
    if (gauges.status) {
      const labels = { sandbox_type: gauges.status.kind };
      gauge('rk_execution_queue_depth', 'Executions waiting for a sandbox slot.', gauges.status.queueDepth, labels);
      gauge('rk_executions_running', 'Executions running now.', gauges.status.running, labels);
      gauge('rk_sandbox_available', '1 when the bound sandbox can run code.', gauges.status.available ? 1 : 0, labels);
      lines.push(...warmPoolMetrics(gauges.status));
    }
    gauge('rk_http_in_flight_executions', 'Execution slots held by HTTP requests.', gauges.inFlight);
    gauge('rk_http_in_flight_executions_limit', 'Slots beyond which the HTTP layer answers 429 (RK_HTTP_MAX_IN_FLIGHT).', gauges.inFlightLimit);
    return `${lines.join('\n')}\n`;
  }
}

/** The local executor's warm tiers (`extra.pool`: full, `extra.lightPool`: light), when it reports them. */
function warmPoolMetrics(status: ExecutorStatus): string[] {
  const tiers = (['full', 'light'] as const)
    .map((tier) => ({ tier, pool: status.extra?.[tier === 'full' ? 'pool' : 'lightPool'] as Record<string, unknown> | undefined }))
    .filter((t): t is { tier: 'full' | 'light'; pool: Record<string, unknown> } => typeof t.pool === 'object' && t.pool !== null && typeof t.pool.size === 'number');
  if (tiers.length === 0) return [];
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const family = (name: string, help: string, type: 'gauge' | 'counter', samples: [Labels, number][]): string[] =>
    [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([labels, value]) => `${name}${formatLabels(labels)} ${value}`)];
  return [
    ...family('rk_warm_interpreters', 'Warm pooled interpreters by tier and state (configured = RK_POOL_SIZE / RK_POOL_LIGHT_SIZE).', 'gauge', tiers.flatMap(({ tier, pool }) => [
      [{ tier, state: 'configured' }, num(pool.size)],
      [{ tier, state: 'warm' }, num(pool.warm)],
      [{ tier, state: 'busy' }, num(pool.busy)],
      [{ tier, state: 'starting' }, num(pool.starting)],
    ] as [Labels, number][])),
    ...family('rk_warm_jobs_total', 'Jobs run by warm interpreters, by tier.', 'counter', tiers.map(({ tier, pool }) => [{ tier }, num(pool.jobsRun)] as [Labels, number])),
    ...family('rk_warm_replaced_total', 'Warm interpreters replaced (recycled, misbehaved, died), by tier.', 'counter', tiers.map(({ tier, pool }) => [{ tier }, num(pool.recycled)] as [Labels, number])),
    ...family('rk_warm_cold_fallbacks_total', 'Runs that could have gone warm but started a fresh interpreter.', 'counter', [[{}, num(tiers.find((t) => t.tier === 'full')?.pool.coldFallbacks)]]),
  ];
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}

function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k])}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
