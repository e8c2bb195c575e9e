/**
 * Binds the five MSA stage plugins to `TOKENS.StagePlugin`, in pipeline order (the runner
 * resolves them with `getAll` and runs them in binding order).
 */
import { ContainerModule } from 'inversify';
import { TOKENS } from '../src/kernel/tokens.js';
import { GraphPlugin } from './graph/graph-plugin.js';
import { InferPlugin } from './infer/infer-plugin.js';
import { ParsePlugin } from './parse/parse-plugin.js';
import { RetrievePlugin } from './retrieve/retrieve-plugin.js';
import { SynthesizePlugin } from './synthesize/synthesize-plugin.js';

/** Pipeline order: parse → retrieve → graph → synthesize → infer. */
export const STAGE_PLUGIN_CLASSES = [ParsePlugin, RetrievePlugin, GraphPlugin, SynthesizePlugin, InferPlugin] as const;

export const pluginsModule = new ContainerModule((options) => {
  for (const plugin of STAGE_PLUGIN_CLASSES) options.bind(TOKENS.StagePlugin).to(plugin).inSingletonScope();
});
