import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { KernelError } from '../../errors.js';

/** File name of the policy data under the package's `config/` folder. */
export const VALIDATOR_POLICY_FILE = 'validator-policy.json';

const names = z.array(z.string().min(1));

/** Shape of `config/validator-policy.json` (only what the validator reads). */
export const validatorPolicySchema = z.object({
  version: z.literal(1),
  limits: z.object({
    maxSourceBytes: z.number().int().min(1024),
    maxViolations: z.number().int().min(1),
  }),
  forbiddenNames: names,
  allowedDunderNames: z.object({ mainGuard: z.string().min(1) }),
  allowedDunderStrings: names,
  allowedDunderMethods: names,
  hookDunderMethods: names,
  frameAttributes: names,
  deniedAttributeNames: z.object({ names }),
  deniedPaths: z.object({ paths: names }),
  allowedFutureFeatures: names,
  generated: z
    .object({
      modules: names.default([]),
      reexports: z.array(z.object({ path: z.string().min(1), reason: z.string() })).default([]),
    })
    .prefault({}),
});

export type ValidatorPolicyData = z.infer<typeof validatorPolicySchema>;

/** The policy as lookup sets, built once and shared by every validation. */
export interface CompiledPolicy {
  readonly maxSourceBytes: number;
  readonly maxViolations: number;
  readonly forbiddenNames: ReadonlySet<string>;
  readonly mainGuardName: string;
  readonly allowedDunderStrings: ReadonlySet<string>;
  readonly allowedDunderMethods: ReadonlySet<string>;
  readonly hookDunderMethods: ReadonlySet<string>;
  readonly frameAttributes: ReadonlySet<string>;
  readonly deniedAttributeNames: ReadonlySet<string>;
  /** Dotted path -> why it is denied (curated paths and the walk's re-exports). */
  readonly deniedPaths: ReadonlyMap<string, string>;
  /** Public submodule paths of the allowed packages (so `from scipy import stats` binds a module). */
  readonly modulePaths: ReadonlySet<string>;
  readonly allowedFutureFeatures: ReadonlySet<string>;
}

/** Validates raw policy data and turns it into lookup sets. Throws CONFIG_INVALID when malformed. */
export function compilePolicy(raw: unknown, source = 'validator policy'): CompiledPolicy {
  const parsed = validatorPolicySchema.safeParse(raw);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new KernelError('CONFIG_INVALID', `${source} is invalid (${detail}); fix the file or regenerate it with scripts/walk-reexports.py`);
  }
  const data = parsed.data;
  const deniedPaths = new Map<string, string>();
  for (const path of data.deniedPaths.paths) deniedPaths.set(path, 'denied by policy');
  for (const { path, reason } of data.generated.reexports) if (!deniedPaths.has(path)) deniedPaths.set(path, reason);
  return Object.freeze({
    maxSourceBytes: data.limits.maxSourceBytes,
    maxViolations: data.limits.maxViolations,
    forbiddenNames: new Set(data.forbiddenNames),
    mainGuardName: data.allowedDunderNames.mainGuard,
    allowedDunderStrings: new Set(data.allowedDunderStrings),
    allowedDunderMethods: new Set(data.allowedDunderMethods),
    hookDunderMethods: new Set(data.hookDunderMethods),
    frameAttributes: new Set(data.frameAttributes),
    deniedAttributeNames: new Set(data.deniedAttributeNames.names),
    deniedPaths,
    modulePaths: new Set(data.generated.modules),
    allowedFutureFeatures: new Set(data.allowedFutureFeatures),
  });
}

/**
 * Finds `config/validator-policy.json` by walking up from this module, so the same lookup works
 * from `src/` (vitest, tsx) and from `dist/src/` (the build).
 */
export function defaultPolicyPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'config', VALIDATOR_POLICY_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new KernelError('CONFIG_INVALID', `config/${VALIDATOR_POLICY_FILE} was not found above ${fileURLToPath(import.meta.url)}; reinstall the package or restore the file`);
}

/** Reads and compiles the policy file (default: the package's `config/validator-policy.json`). */
export function loadValidatorPolicy(path: string = defaultPolicyPath()): CompiledPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new KernelError('CONFIG_INVALID', `cannot read the validator policy ${path}; restore it or regenerate it with scripts/walk-reexports.py`, { cause });
  }
  return compilePolicy(raw, path);
}
