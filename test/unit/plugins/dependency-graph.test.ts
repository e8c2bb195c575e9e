import { describe, expect, it } from 'vitest';
import { buildGraph, topologicalOrder } from '../../../plugins/graph/dependency-graph.js';
import type { Problem } from '../../../plugins/problem.js';

const node = (id: string) => ({ id, kind: 'latent' as const, definition: id });

describe('topologicalOrder', () => {
  it('orders parents before children', () => {
    const order = topologicalOrder({ nodes: [node('c'), node('a'), node('b')], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }] });
    expect(order).toEqual(['a', 'b', 'c']);
  });
  it('detects a cycle', () => {
    expect(topologicalOrder({ nodes: [node('a'), node('b'), node('c')], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }] })).toBeNull();
  });
  it('detects a self loop and an edge to an unknown node', () => {
    expect(topologicalOrder({ nodes: [node('a')], edges: [{ from: 'a', to: 'a' }] })).toBeNull();
    expect(topologicalOrder({ nodes: [node('a')], edges: [{ from: 'a', to: 'zz' }] })).toBeNull();
  });
});

const problems: Problem[] = [
  { family: 'binomial', successes: 14, trials: 20, successLabel: 'heads', target: { kind: 'mean' } },
  { family: 'model-comparison', successes: 14, trials: 20, successLabel: 'heads', hypothesis: 'fair' },
  { family: 'two-proportions', groups: [{ label: 'A', successes: 1, trials: 10 }, { label: 'B', successes: 2, trials: 10 }], target: { kind: 'prob-greater', first: 1, second: 0 } },
  { family: 'poisson', events: 18, exposure: 6, unit: 'hour', exposureUnit: 'hour', eventLabel: 'calls', target: { kind: 'rate', window: 1 } },
  { family: 'normal-mean', values: [1, 2, 3], unit: '', target: { kind: 'mean' } },
  { family: 'bayes-rule', prevalence: 0.01, sensitivity: 0.9, falsePositiveRate: 0.05, result: 'positive', conditionLabel: 'disease', complement: false },
  { family: 'categorical', categoryCount: 6, total: 60, askedCount: 12, askedLabel: 'face 6', counts: null },
  { family: 'exponential', count: 5, totalTime: 4550, unit: 'hour', target: { kind: 'mean-lifetime' } },
];

describe('buildGraph', () => {
  it.each(problems.map((p) => [p.family, p] as const))('builds an acyclic graph whose answer depends on the data (%s)', (_family, problem) => {
    const graph = buildGraph(problem, { alpha: 1, beta: 1, shapeOffset: 1 });
    const order = topologicalOrder(graph);
    expect(order).not.toBeNull();
    expect(order!.at(-1)).toBe('answer');
    const observed = graph.nodes.filter((n) => n.kind === 'observed').map((n) => n.id);
    expect(observed.length).toBeGreaterThan(0);
    const answerParents = graph.edges.filter((e) => e.to === 'answer').map((e) => e.from);
    expect(answerParents.some((p) => observed.includes(p))).toBe(true);
  });
});
