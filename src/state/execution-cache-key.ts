import { createHash } from 'node:crypto';
import type { SandboxSettings, SandboxType } from '../kernel/contracts.js';

/** Bumped when the inputs or their encoding change, so old entries simply stop matching. */
const CACHE_KEY_VERSION = 'rk-exec-v1';

/**
 * The execution-result cache key: sha256 (hex) of the exact code bytes, the canonical JSON of the
 * effective settings (object keys sorted; array order kept, so a reordered allowlist is a miss,
 * never a wrong hit) and the executor kind. The parts are NUL-separated: neither the kind nor
 * JSON text can contain a raw NUL, so no two different inputs share an encoding.
 */
export function executionCacheKey(code: string, settings: SandboxSettings, executorKind: SandboxType): string {
  return createHash('sha256')
    .update(CACHE_KEY_VERSION)
    .update('\0')
    .update(executorKind)
    .update('\0')
    .update(canonicalJson(settings))
    .update('\0')
    .update(code, 'utf8')
    .digest('hex');
}

/** JSON with object keys sorted at every depth; `undefined` members are dropped as JSON does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
