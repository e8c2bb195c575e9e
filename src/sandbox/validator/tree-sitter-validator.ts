import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';
import type { ValidationReport } from '../../kernel/contracts.js';
import type { CodeValidator } from '../../kernel/tokens.js';
import type { CompiledPolicy } from './policy.js';
import { PolicyWalker, reportSyntaxErrors } from './policy-walker.js';
import { checkSourceText, firstInvalidUtf8 } from './source-checks.js';
import { RULES, ViolationSink } from './violation-sink.js';

export interface TreeSitterValidatorOptions {
  /** Reports kept for repeated validation of the same program (0 disables the cache). */
  cacheEntries?: number;
  /** Programs longer than this (UTF-16 code units) are not cached. */
  cacheMaxChars?: number;
}

const DEFAULT_CACHE_ENTRIES = 256;
const DEFAULT_CACHE_MAX_CHARS = 64 * 1024;

/**
 * The static validator (design §6, layer 1) on tree-sitter-python. It checks the exact text that
 * will be written to the program file, then the parse tree against the policy data, and returns
 * every violation with rule, message, line and column. It never throws: malformed input is a
 * violation too. It is advisory: attacks that only use allowed APIs pass it by design, so the
 * sandbox stays the boundary.
 */
export class TreeSitterValidator implements CodeValidator {
  private readonly parser: Parser;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly cache = new Map<string, ValidationReport>();
  private readonly cacheEntries: number;
  private readonly cacheMaxChars: number;

  constructor(
    private readonly policy: CompiledPolicy,
    options: TreeSitterValidatorOptions = {},
  ) {
    // One parser for the life of the validator: creating one per call costs more than parsing.
    this.parser = new Parser();
    this.parser.setLanguage(Python as unknown as Parser.Language);
    this.cacheEntries = options.cacheEntries ?? DEFAULT_CACHE_ENTRIES;
    this.cacheMaxChars = options.cacheMaxChars ?? DEFAULT_CACHE_MAX_CHARS;
  }

  /**
   * Validates `code` (a string, or UTF-8 bytes checked strictly) against the policy with the
   * import allowlist `allowedImports` (top-level package names).
   */
  validate(code: string | Uint8Array, options: { allowedImports: readonly string[] }): ValidationReport {
    const t0 = performance.now();
    const allowed = Array.isArray(options?.allowedImports) ? options.allowedImports : [];
    const key = typeof code === 'string' && code.length <= this.cacheMaxChars && this.cacheEntries > 0
      ? `${allowed.join(',')}\u0000${code}`
      : null;
    const hit = key === null ? undefined : this.cache.get(key);
    if (hit) {
      this.cache.delete(key as string); // refresh its place in the LRU order
      this.cache.set(key as string, hit);
      return { ok: hit.ok, violations: hit.violations.map((v) => ({ ...v })), durationMs: performance.now() - t0 };
    }
    let source = '';
    const sink = new ViolationSink(this.policy.maxViolations);
    try {
      source = this.run(code, allowed, sink);
    } catch (cause) {
      // Fail closed: a validator bug must refuse the program, not crash the caller.
      sink.add(RULES.validatorError, `the validator failed (${cause instanceof Error ? cause.message : String(cause)}); the program is refused`, 0);
    }
    const violations = sink.resolve(source);
    const report: ValidationReport = { ok: violations.length === 0, violations, durationMs: performance.now() - t0 };
    if (key !== null) {
      this.cache.set(key, { ok: report.ok, violations: violations.map((v) => ({ ...v })), durationMs: 0 });
      if (this.cache.size > this.cacheEntries) this.cache.delete(this.cache.keys().next().value as string);
    }
    return report;
  }

  /** Runs every check; returns the decoded source (for positions). */
  private run(code: unknown, allowedImports: readonly string[], sink: ViolationSink): string {
    let source: string;
    if (typeof code === 'string') {
      source = code;
    } else if (code instanceof Uint8Array) {
      if (code.length > this.policy.maxSourceBytes) {
        sink.add(RULES.tooLarge, `the program is ${code.length} bytes; the limit is ${this.policy.maxSourceBytes} bytes`, 0);
        return '';
      }
      try {
        source = this.decoder.decode(code);
      } catch {
        const at = firstInvalidUtf8(code);
        const prefix = new TextDecoder('utf-8').decode(code.subarray(0, Math.max(0, at)));
        sink.add(RULES.encoding, `the program is not valid UTF-8 (byte ${at}); save it as UTF-8`, prefix.length);
        return prefix;
      }
    } else {
      sink.add(RULES.invalidInput, `the program must be a string, got ${code === null ? 'null' : typeof code}`, 0);
      return '';
    }
    if (source.trim().length === 0) {
      sink.add(RULES.empty, 'the program is empty; send Python source code', 0);
      return source;
    }
    if (source.length > this.policy.maxSourceBytes || (source.length * 3 > this.policy.maxSourceBytes && Buffer.byteLength(source, 'utf8') > this.policy.maxSourceBytes)) {
      sink.add(RULES.tooLarge, `the program is larger than ${this.policy.maxSourceBytes} bytes of UTF-8; shorten it`, 0);
      return source;
    }
    checkSourceText(source, sink);
    const tree = this.parser.parse(source);
    if (tree.rootNode.hasError) reportSyntaxErrors(tree, sink);
    new PolicyWalker(source, this.policy, new Set(allowedImports), sink).walk(tree);
    return source;
  }
}
