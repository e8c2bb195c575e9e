import { DEFAULT_EXTRA_IMPORTS, SEED_ALLOWED_IMPORTS } from '../../../src/config/schema.js';
import { loadValidatorPolicy } from '../../../src/sandbox/validator/policy.js';
import { TreeSitterValidator } from '../../../src/sandbox/validator/tree-sitter-validator.js';

/** The default allowlist: the seed's list plus the operator's harmless extras. */
export const DEFAULT_ALLOWED = [...SEED_ALLOWED_IMPORTS, ...DEFAULT_EXTRA_IMPORTS];

/** A validator with the shipped policy and no cache, so every call exercises the full path. */
export function makeValidator(): TreeSitterValidator {
  return new TreeSitterValidator(loadValidatorPolicy(), { cacheEntries: 0 });
}
