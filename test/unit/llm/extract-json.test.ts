import { describe, expect, it } from 'vitest';
import { extractJsonObject } from '../../../src/llm/extract-json.js';

describe('extractJsonObject', () => {
  it('parses a bare object', () => {
    expect(extractJsonObject(' {"a": 1} ')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('takes the object out of a code fence with prose around it', () => {
    expect(extractJsonObject('Here you go:\n```json\n{"a": {"b": [1, 2]}}\n```\nAnything else?')).toEqual({ ok: true, value: { a: { b: [1, 2] } } });
    expect(extractJsonObject('```\n{"a": 2}\n```')).toEqual({ ok: true, value: { a: 2 } });
  });

  it('finds the first balanced object, ignoring braces inside strings', () => {
    const text = 'The program {is} below: {"code": "d = {\\"k\\": 1}\\nprint(\\"}\\")", "n": 3} trailing {"x": 0}';
    expect(extractJsonObject(text)).toEqual({ ok: true, value: { code: 'd = {"k": 1}\nprint("}")', n: 3 } });
  });

  it('explains why there is no usable object', () => {
    expect(extractJsonObject('')).toEqual({ ok: false, error: 'the reply is empty' });
    expect(extractJsonObject('about 0.68')).toEqual({ ok: false, error: 'the reply contains no JSON object (no "{")' });
    const cut = extractJsonObject('{"family": "beta-binomial", "quantities": [');
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.error).toMatch(/cut off before its closing brace/);
  });

  it('refuses arrays and scalars at the top level', () => {
    expect(extractJsonObject('[1, 2]').ok).toBe(false);
    expect(extractJsonObject('42').ok).toBe(false);
  });
});
