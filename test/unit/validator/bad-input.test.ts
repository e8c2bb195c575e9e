import { describe, expect, it } from 'vitest';
import { makeValidator } from './validator-fixture.js';

const ALLOWED = { allowedImports: ['numpy', 'math'] };

function rulesOf(code: unknown): string[] {
  const validator = makeValidator();
  // The port takes a string; callers behind HTTP or the CLI may still hand over anything.
  const report = validator.validate(code as string, ALLOWED);
  expect(report.ok).toBe(false);
  expect(report.durationMs).toBeGreaterThanOrEqual(0);
  return report.violations.map((v) => v.rule);
}

describe('TreeSitterValidator: bad input never throws', () => {
  it('refuses empty and blank code', () => {
    expect(rulesOf('')).toEqual(['empty']);
    expect(rulesOf('  \n\t\n')).toEqual(['empty']);
  });

  it('refuses 10 MB of code before parsing it', () => {
    const big = 'x = 1\n'.repeat((10 * 1024 * 1024) / 6);
    expect(rulesOf(big)).toEqual(['too-large']);
  });

  it('refuses a large program of multi-byte characters by its UTF-8 size', () => {
    expect(rulesOf(`s = "${'é'.repeat(600_000)}"\n`)).toEqual(['too-large']);
  });

  it('refuses binary garbage as a string', () => {
    let garbage = '';
    for (let i = 0; i < 4096; i++) garbage += String.fromCharCode((i * 7919) % 0xffff);
    const rules = rulesOf(garbage);
    expect(rules).toContain('control-char');
    expect(rules).toContain('null-byte');
  });

  it('refuses invalid UTF-8 bytes and says where', () => {
    const validator = makeValidator();
    const bytes = new Uint8Array([0x78, 0x20, 0x3d, 0x20, 0x31, 0x0a, 0xff, 0xfe, 0x0a]);
    const report = validator.validate(bytes, ALLOWED);
    expect(report.violations).toEqual([expect.objectContaining({ rule: 'encoding', line: 2, column: 1 })]);
    expect(report.violations[0].message).toContain('byte 6');
  });

  it('refuses overlong and surrogate encodings in bytes', () => {
    const validator = makeValidator();
    for (const bytes of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      expect(validator.validate(new Uint8Array(bytes), ALLOWED).violations.map((v) => v.rule)).toEqual(['encoding']);
    }
  });

  it('accepts valid UTF-8 bytes', () => {
    const validator = makeValidator();
    const report = validator.validate(new TextEncoder().encode('import math\nμ = math.pi\nprint(μ)\n'), ALLOWED);
    expect(report.violations).toEqual([]);
  });

  it('refuses lone surrogates in a string', () => {
    expect(rulesOf('x = 1\ny = "\udc00"\n')).toContain('encoding');
  });

  it('refuses values that are not strings', () => {
    expect(rulesOf(undefined)).toEqual(['invalid-input']);
    expect(rulesOf(null)).toEqual(['invalid-input']);
    expect(rulesOf(42)).toEqual(['invalid-input']);
    expect(rulesOf({ code: 'print(1)' })).toEqual(['invalid-input']);
  });

  it('survives deep nesting and caps the number of violations', () => {
    expect(rulesOf('x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + '\neval\n')).toContain('forbidden-name');
    const rules = rulesOf('eval\n'.repeat(5000));
    expect(rules.at(-1)).toBe('too-many-violations');
    expect(rules.length).toBe(1001);
  });

  it('refuses when options are missing instead of throwing', () => {
    const validator = makeValidator();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const report = validator.validate('import math\n', undefined as any);
    expect(report.violations.map((v) => v.rule)).toEqual(['import-not-allowed']);
  });
});
