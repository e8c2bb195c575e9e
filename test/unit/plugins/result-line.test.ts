import { describe, expect, it } from 'vitest';
import { parseResultLine } from '../../../plugins/infer/result-line.js';
import { diagnosticsQuality } from '../../../plugins/infer/infer-plugin.js';
import { familyFit } from '../../../plugins/retrieve/retrieve-plugin.js';
import { parseQuestion } from '../../../plugins/parse/question-parser.js';

const estimate = { name: 'p', description: 'd', mean: 0.5, sd: 0.1, interval: [0.3, 0.7], intervalMass: 0.95 };
const line = (body: unknown) => `noise\nRK_RESULT ${JSON.stringify(body)}\n`;

describe('parseResultLine', () => {
  it('accepts a well-formed line and takes the last marker', () => {
    const r = parseResultLine(`RK_RESULT {"bad": 1}\n${line({ estimates: [estimate], answer: { value: 0.5 }, diagnostics: {} })}`);
    expect(r.ok && r.value.answer.value).toBe(0.5);
  });
  it.each([
    ['no marker', 'hello\n', /no "RK_RESULT" line/],
    ['bad JSON', 'RK_RESULT {nope\n', /not valid JSON/],
    ['NaN', 'RK_RESULT {"estimates": [], "answer": {"value": NaN}}\n', /not valid JSON/],
    ['no estimates', line({ estimates: [], answer: { value: 0.5 } }), /schema/],
    ['unordered interval', line({ estimates: [{ ...estimate, interval: [0.7, 0.3] }], answer: { value: 0.5 } }), /ordered/],
    ['negative sd', line({ estimates: [{ ...estimate, sd: -1 }], answer: { value: 0.5 } }), /sd/],
    ['mass out of range', line({ estimates: [{ ...estimate, intervalMass: 1.5 }], answer: { value: 0.5 } }), /schema/],
  ])('refuses %s', (_name, stdout, message) => {
    const r = parseResultLine(stdout);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('confidence measures', () => {
  it('inference quality is 1 for exact programs and drops with Monte Carlo error', () => {
    expect(diagnosticsQuality({ method: 'closed-form' })).toBe(1);
    const good = diagnosticsQuality({ quadratureError: 1e-12, mcStandardError: 0.0005, mcCheck: 0.0003 });
    const poor = diagnosticsQuality({ quadratureError: 1e-12, mcStandardError: 0.02, mcCheck: 0.01 });
    expect(good).toBeGreaterThan(poor);
    expect(diagnosticsQuality({ mcStandardError: 0.001, mcCheck: 0.05 })).toBeLessThan(0.7);
  });
  it('model fit is lower when another family competes', () => {
    const clean = parseQuestion('A coin is flipped 20 times with 14 heads observed');
    const mixed = parseQuestion('Over 6 hours a coin is flipped 20 times with 14 heads observed. What is the rate of heads per flip?');
    expect(clean.kind === 'understood' && familyFit(clean.output)).toBe(1);
    if (mixed.kind === 'understood') expect(familyFit(mixed.output)).toBeLessThan(1);
  });
});
