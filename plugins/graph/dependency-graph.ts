/**
 * The dependency graph of a problem: latent variables, observations, the derived quantity asked
 * about, and directed edges (parent → child). Pure.
 */
import type { Problem } from '../problem.js';

export interface GraphNode {
  id: string;
  kind: 'latent' | 'observed' | 'derived' | 'constant';
  /** Distribution or definition, e.g. "Beta(1, 1)", "Binomial(20, p)", "P(p > 0.5)". */
  definition: string;
}

export interface GraphEdge {
  from: string;
  to: string;
}

export interface DependencyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** The node the question asks about. */
  target: string;
}

/** Topological order (Kahn's algorithm); null when the graph has a cycle or a dangling edge. */
export function topologicalOrder(graph: Pick<DependencyGraph, 'nodes' | 'edges'>): string[] | null {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const indegree = new Map<string, number>([...ids].map((id) => [id, 0]));
  const children = new Map<string, string[]>([...ids].map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) return null;
    indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
    children.get(e.from)!.push(e.to);
  }
  const queue = [...ids].filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift()!;
    order.push(id);
    for (const child of children.get(id)!) {
      const d = indegree.get(child)! - 1;
      indegree.set(child, d);
      if (d === 0) queue.push(child);
    }
  }
  return order.length === ids.size ? order : null;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/** Builds the graph for a problem under a prior with parameters (a, b) or a shape offset. */
export function buildGraph(problem: Problem, prior: { alpha?: number; beta?: number; shapeOffset?: number }): DependencyGraph {
  const a = prior.alpha ?? 1;
  const b = prior.beta ?? 1;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const node = (id: string, kind: GraphNode['kind'], definition: string, parents: string[] = []) => {
    nodes.push({ id, kind, definition });
    for (const p of parents) edges.push({ from: p, to: id });
  };
  switch (problem.family) {
    case 'binomial': {
      node('p', 'latent', `Beta(${fmt(a)}, ${fmt(b)})`);
      node('k', 'observed', `Binomial(${problem.trials}, p) = ${problem.successes}`, ['p']);
      const t = problem.target;
      node('answer', 'derived', t.kind === 'prob-p' ? `P(p ${t.comparison === 'greater' ? '>' : '<'} ${fmt(t.threshold)} | k)` : t.kind === 'predictive' ? 'P(next trial succeeds | k)' : 'E[p | k]', ['p', 'k']);
      break;
    }
    case 'model-comparison': {
      node('H', 'latent', 'Bernoulli(0.5): fair (p = 0.5) or biased');
      node('p', 'latent', `0.5 if fair, else Beta(${fmt(a)}, ${fmt(b)})`, ['H']);
      node('k', 'observed', `Binomial(${problem.trials}, p) = ${problem.successes}`, ['p']);
      node('answer', 'derived', `P(${problem.hypothesis} | k)`, ['H', 'k']);
      break;
    }
    case 'two-proportions': {
      problem.groups.forEach((g, i) => {
        node(`p${i}`, 'latent', `Beta(${fmt(a)}, ${fmt(b)})`);
        node(`k${i}`, 'observed', `Binomial(${g.trials}, p${i}) = ${g.successes}`, [`p${i}`]);
      });
      const t = problem.target;
      node('answer', 'derived', t.kind === 'prob-greater' ? `P(p${t.first} > p${t.second} | k0, k1)` : `E[p${t.minuend} - p${t.subtrahend} | k0, k1]`, ['p0', 'p1', 'k0', 'k1']);
      break;
    }
    case 'poisson': {
      const offset = prior.shapeOffset ?? 1;
      node('rate', 'latent', `Gamma(${fmt(offset)}, 0) improper, per ${problem.unit}`);
      node('exposure', 'constant', `${fmt(problem.exposure)} ${problem.unit}s`);
      node('k', 'observed', `Poisson(rate * exposure) = ${problem.events}`, ['rate', 'exposure']);
      const t = problem.target;
      node('answer', 'derived', t.kind === 'rate' ? `E[rate * ${fmt(t.window)} | k]` : t.kind === 'prob-rate' ? `P(rate ${t.comparison === 'greater' ? '>' : '<'} ${fmt(t.threshold)} | k)` : t.kind === 'prob-none' ? `P(no event in ${fmt(t.window)} ${problem.unit}s | k)` : `P(at least one event in ${fmt(t.window)} ${problem.unit}s | k)`, ['rate', 'k']);
      break;
    }
    case 'normal-mean': {
      node('mu', 'latent', 'flat (reference prior)');
      node('sigma2', 'latent', '1/sigma^2 (reference prior)');
      node('x', 'observed', `Normal(mu, sigma2), n = ${problem.values.length}`, ['mu', 'sigma2']);
      node('answer', 'derived', problem.target.kind === 'mean' ? 'E[mu | x]' : `P(mu ${problem.target.comparison === 'greater' ? '>' : '<'} ${fmt(problem.target.threshold)} | x)`, ['mu', 'x']);
      break;
    }
    case 'bayes-rule': {
      node('condition', 'latent', `Bernoulli(${fmt(problem.prevalence)})`);
      node('result', 'observed', `${problem.result}: P(+ | condition) = ${fmt(problem.sensitivity)}, P(+ | no condition) = ${fmt(problem.falsePositiveRate)}`, ['condition']);
      node('answer', 'derived', `P(${problem.complement ? 'no ' : ''}condition | ${problem.result})`, ['condition', 'result']);
      break;
    }
    case 'categorical': {
      node('theta', 'latent', `Dirichlet(${fmt(a)} x ${problem.categoryCount})`);
      node('counts', 'observed', `Multinomial(${problem.total}, theta)`, ['theta']);
      node('answer', 'derived', `E[theta[${problem.askedLabel}] | counts]`, ['theta', 'counts']);
      break;
    }
    case 'exponential': {
      const offset = prior.shapeOffset ?? 1;
      node('rate', 'latent', offset === 0 ? 'proportional to 1/rate' : 'flat on the rate');
      node('durations', 'observed', `Exponential(rate), n = ${problem.count}, total = ${fmt(problem.totalTime)} ${problem.unit}s`, ['rate']);
      const t = problem.target;
      node('answer', 'derived', t.kind === 'rate' ? 'E[rate | durations]' : t.kind === 'mean-lifetime' ? 'E[1/rate | durations]' : t.kind === 'prob-longer' ? `P(next > ${fmt(t.duration)} | durations)` : `P(next <= ${fmt(t.duration)} | durations)`, ['rate', 'durations']);
      break;
    }
  }
  return { nodes, edges, target: 'answer' };
}
