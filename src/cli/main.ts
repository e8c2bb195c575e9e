import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { KernelError, isKernelError } from '../errors.js';
import { createKernel } from '../kernel/create-kernel.js';
import type { ReasoningKernel } from '../kernel/reasoning-kernel.js';
import { executionToWire, statusToWire } from '../http/wire.js';
import { formatExecution, formatResult, formatStatus } from './format.js';
import { runDemo } from './demo.js';
import { ONE_SHOT_DEFAULTS } from './one-shot-defaults.js';

const USAGE = `Usage: reasoning-kernel <command> [options]

Commands:
  reason [--json] [--prior uniform|jeffreys] [--interval 0.95] [--seed N] "question"
                       Answer a probabilistic question (prints the ReasoningResult with --json).
  exec [--json] [--timeout S] [--memory MB] FILE|-
                       Validate and run a Python program in the bound sandbox
                       (--json prints the seed's /execute response).
  status [--json]      Show which sandbox and isolation are in force (the seed's /status shape).
  serve                Start the admin HTTP server on RK_HOST:RK_PORT (default 127.0.0.1:5000).
  demo                 Run reason() on the coin question and show every stage.

Settings come from environment variables (see README): DAYTONA_API_KEY, REDIS_URL, RK_PYTHON, ...`;

/** Exit codes: 0 ok, 1 the program/question did not succeed, 2 usage error, 3 infrastructure error. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'reason':
      return withKernel(rest, reasonCommand);
    case 'exec':
      return withKernel(rest, execCommand);
    case 'status':
      return withKernel(rest, statusCommand);
    case 'serve':
      return serveCommand();
    case 'demo':
      return runDemo();
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
      return 2;
  }
}

type Command = (kernel: () => Promise<ReasoningKernel>, args: string[]) => Promise<number>;

async function withKernel(args: string[], command: Command): Promise<number> {
  let kernel: ReasoningKernel | undefined;
  const json = args.includes('--json');
  try {
    return await command(async () => {
      kernel = await createKernel({ defaults: ONE_SHOT_DEFAULTS });
      return kernel;
    }, args);
  } catch (e) {
    reportError(e, json);
    return isKernelError(e, 'INVALID_INPUT') || isKernelError(e, 'CONFIG_NOT_ALLOWED') ? 2 : 3;
  } finally {
    await kernel?.close();
  }
}

async function reasonCommand(getKernel: () => Promise<ReasoningKernel>, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    json: { type: 'boolean', default: false },
    prior: { type: 'string' },
    interval: { type: 'string' },
    seed: { type: 'string' },
  });
  const question = positionals.join(' ').trim();
  if (!question) throw new KernelError('INVALID_INPUT', 'give the question as an argument, e.g. reasoning-kernel reason "A coin is flipped 20 times with 14 heads observed"');
  const prior = values.prior as string | undefined;
  if (prior !== undefined && prior !== 'uniform' && prior !== 'jeffreys') {
    throw new KernelError('INVALID_INPUT', '--prior must be uniform or jeffreys');
  }
  const kernel = await getKernel();
  const result = await kernel.reason(question, {
    prior,
    intervalMass: values.interval === undefined ? undefined : toNumber('--interval', values.interval as string),
    seed: values.seed === undefined ? undefined : toNumber('--seed', values.seed as string),
  });
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
  return result.success ? 0 : 1;
}

async function execCommand(getKernel: () => Promise<ReasoningKernel>, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    json: { type: 'boolean', default: false },
    timeout: { type: 'string' },
    memory: { type: 'string' },
  });
  if (positionals.length !== 1) throw new KernelError('INVALID_INPUT', 'give exactly one program: a file path, or - for stdin');
  const source = positionals[0] === '-' ? readFileSync(0) : readSource(positionals[0]);
  const code = decodeUtf8(source);
  const kernel = await getKernel();
  const result = await kernel.services.sandbox.execute({
    code,
    timeoutS: values.timeout === undefined ? undefined : toNumber('--timeout', values.timeout as string),
    config: values.memory === undefined ? undefined : { memoryLimitMb: Math.round(toNumber('--memory', values.memory as string)) },
  });
  process.stdout.write(values.json ? `${JSON.stringify(executionToWire(result))}\n` : formatExecution(result));
  return result.status === 'completed' ? 0 : 1;
}

async function statusCommand(getKernel: () => Promise<ReasoningKernel>, args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean', default: false } });
  const kernel = await getKernel();
  const { sandbox, store, config } = kernel.services;
  const [status, settings, health] = await Promise.all([sandbox.status(), sandbox.getSettings(), store.health()]);
  const wire = statusToWire(status, settings, config, health);
  process.stdout.write(values.json ? `${JSON.stringify(wire, null, 2)}\n` : formatStatus(wire));
  return status.serviceStatus === 'unavailable' ? 1 : 0;
}

async function serveCommand(): Promise<number> {
  const { serve } = await import('../http/serve.js');
  return serve();
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new KernelError('INVALID_INPUT', `${(e as Error).message}\n\n${USAGE}`);
  }
}

function readSource(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new KernelError('INVALID_INPUT', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new KernelError('INVALID_INPUT', 'the program is not valid UTF-8: save it as UTF-8 text');
  }
}

function toNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new KernelError('INVALID_INPUT', `${flag} expects a number, got ${JSON.stringify(value)}`);
  return n;
}

function reportError(e: unknown, json: boolean): void {
  const code = isKernelError(e) ? e.code : 'INTERNAL';
  const message = e instanceof Error ? e.message : String(e);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message, ...(isKernelError(e) && e.details ? { details: e.details } : {}) } })}\n`);
  else process.stderr.write(`error [${code}]: ${message}\n`);
}
