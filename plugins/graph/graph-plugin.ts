import { injectable } from 'inversify';
import type { StageContext, StageOutcome, StagePlugin } from '../../src/kernel/tokens.js';
import { StageFailure } from '../../src/kernel/stage-failure.js';
import type { ParseOutput } from '../problem.js';
import type { RetrieveOutput } from '../retrieve/retrieve-plugin.js';
import { requireOutput } from '../stage-outputs.js';
import { isLlmParse } from '../llm-path.js';
import { buildGraph, topologicalOrder, type DependencyGraph } from './dependency-graph.js';

/** What the graph stage outputs. */
export interface GraphOutput {
  graph: DependencyGraph;
  /** Nodes in dependency order (parents first). */
  order: string[];
}

/**
 * Graph: builds the dependency graph of latent variables and observations for the problem and
 * checks it (acyclic, every edge between known nodes, every observation explained by a latent
 * parent, the asked quantity reachable from the data).
 */
@injectable()
export class GraphPlugin implements StagePlugin {
  readonly name = 'graph' as const;

  async run(context: StageContext): Promise<StageOutcome> {
    const raw = requireOutput<unknown>(context, 'parse');
    if (isLlmParse(raw)) {
      const graph = raw.llm.analysis.graph;
      const order = topologicalOrder(graph);
      if (order === null || !graph.nodes.some((n) => n.id === graph.target)) {
        throw new StageFailure("The LLM's dependency graph has a cycle, a dangling edge or an unknown target.");
      }
      const observed = graph.nodes.filter((n) => n.kind === 'observed');
      const explained = observed.filter((n) => graph.edges.some((e) => e.to === n.id && graph.nodes.find((m) => m.id === e.from)?.kind === 'latent'));
      return { output: { graph, order }, confidence: observed.length === 0 ? 0.5 : explained.length / observed.length };
    }
    const parse = raw as ParseOutput;
    const retrieve = requireOutput<RetrieveOutput>(context, 'retrieve');
    const graph = buildGraph(parse.problem, retrieve.prior);
    const order = topologicalOrder(graph);
    if (order === null) throw new StageFailure('The model graph has a cycle or an edge to an unknown node; this is a bug in the graph builder.');
    const parents = (id: string) => graph.edges.filter((e) => e.to === id).map((e) => e.from);
    const observed = graph.nodes.filter((n) => n.kind === 'observed');
    const explained = observed.filter((n) => parents(n.id).some((p) => graph.nodes.find((m) => m.id === p)?.kind === 'latent'));
    const targetParents = parents(graph.target);
    const targetUsesData = targetParents.some((p) => observed.some((o) => o.id === p));
    if (!targetUsesData) throw new StageFailure('The asked quantity does not depend on any observation; the model cannot answer it.');
    // Share of observations with a latent explanation: 1 for a complete model.
    const confidence = observed.length === 0 ? 0.5 : explained.length / observed.length;
    const output: GraphOutput = { graph, order };
    return { output, confidence };
  }
}
