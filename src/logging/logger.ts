import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type { PrettyOptions, PrettyStream } from 'pino-pretty';
import type { AppConfig } from '../config/schema.js';

/** Paths pino censors wherever they appear in a log record. */
export const REDACT_PATHS = [
  'apiKey', '*.apiKey', '*.*.apiKey', 'token', '*.token', 'adminToken', '*.adminToken', '*.*.adminToken',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
  'password', '*.password', 'redisUrl', '*.redisUrl', 'DAYTONA_API_KEY', '*.DAYTONA_API_KEY',
  'RK_ADMIN_TOKEN', '*.RK_ADMIN_TOKEN', 'RK_LLM_API_KEY', '*.RK_LLM_API_KEY',
];

export interface CreateLoggerOptions {
  /** Write to this stream instead of stderr (tests). */
  destination?: NodeJS.WritableStream;
}

/**
 * The one pino root. Components take `logger.child({component})`; runs take
 * `child({runId, stage})`. Logs go to stderr so stdout stays clean for `--json` output.
 */
export function createLogger(config: Pick<AppConfig, 'log'>, options: CreateLoggerOptions = {}): Logger {
  const pretty =
    config.log.format === 'pretty' || (config.log.format === 'auto' && !options.destination && process.stderr.isTTY === true);
  const base = { level: config.log.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined };
  if (options.destination) return pino(base, options.destination as pino.DestinationStream);
  if (pretty) {
    // In-process and only when needed: a pino transport would start a worker thread (about 100 ms
    // of CPU per CLI run) and pino-pretty is not worth loading for JSON logs.
    const prettyFactory = createRequire(import.meta.url)('pino-pretty') as (options: PrettyOptions) => PrettyStream;
    return pino(base, prettyFactory({ destination: 2, sync: true, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}

/** Seed status indicators, used in logs and status output. */
export const INDICATORS = {
  daytona: '✅ Daytona Cloud integration active',
  fallback: '⚠️ Using local fallback execution (less secure)',
  local: '⚠️ Using local fallback execution (less secure)',
  unavailable: '❌ Service unavailable',
} as const;
