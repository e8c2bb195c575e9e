/**
 * The embedded synthesizer: a structured problem and its prior → a complete Python program that
 * prints one `RK_RESULT {json}` line. Pure; the code embeds numbers only.
 */
import type { Problem } from '../problem.js';
import type { CatalogPrior } from '../model-catalog.js';
import { bayesRuleProgram } from './templates/bayes-rule-template.js';
import { binomialProgram, modelComparisonProgram } from './templates/binomial-template.js';
import { categoricalProgram } from './templates/categorical-template.js';
import { exponentialProgram } from './templates/exponential-template.js';
import { normalMeanProgram } from './templates/normal-mean-template.js';
import { poissonProgram } from './templates/poisson-template.js';
import { prelude } from './templates/prelude.js';
import { DIFFERENCE_DRAWS, twoProportionsProgram } from './templates/two-proportions-template.js';

export interface SynthesizedProgram {
  code: string;
  /** Short model description for `result.program.model`. */
  model: string;
  method: 'closed-form' | 'quadrature';
  /** Monte Carlo draws the program makes (0 when none). */
  draws: number;
}

export type SynthesisResult = { kind: 'program'; program: SynthesizedProgram } | { kind: 'decline'; reason: string };

/** Builds the program for `problem`. */
export function synthesizeProgram(problem: Problem, prior: CatalogPrior, options: { intervalMass: number; seed: number }): SynthesisResult {
  const a = prior.alpha ?? 1;
  const b = prior.beta ?? 1;
  const offset = prior.shapeOffset ?? 1;
  let body: string;
  let model: string;
  let method: SynthesizedProgram['method'] = 'closed-form';
  let draws = 0;
  switch (problem.family) {
    case 'binomial':
      body = binomialProgram(problem, { alpha: a, beta: b });
      model = `Beta-Binomial: p ~ Beta(${a}, ${b}), k ~ Binomial(n, p); posterior Beta(${problem.successes + a}, ${problem.trials - problem.successes + b})`;
      break;
    case 'model-comparison':
      body = modelComparisonProgram(problem, { alpha: a, beta: b });
      model = `Bayes factor: H0 p = 0.5 against H1 p ~ Beta(${a}, ${b}), prior odds 1:1`;
      break;
    case 'two-proportions':
      body = twoProportionsProgram(problem, { alpha: a, beta: b });
      model = `Two independent Beta-Binomials with Beta(${a}, ${b}) priors`;
      method = 'quadrature';
      draws = DIFFERENCE_DRAWS;
      break;
    case 'poisson':
      body = poissonProgram(problem, { shapeOffset: offset });
      model = `Gamma-Poisson: rate per ${problem.unit} | k ~ Gamma(${problem.events + offset}, ${problem.exposure})`;
      break;
    case 'normal-mean':
      body = normalMeanProgram(problem);
      model = `Normal with unknown mean and variance, reference prior: mu | x ~ Student-t(${problem.values.length - 1})`;
      break;
    case 'bayes-rule':
      body = bayesRuleProgram(problem);
      model = "Bayes' rule with a base rate";
      break;
    case 'categorical':
      body = categoricalProgram(problem, { alpha: a });
      model = `Dirichlet(${a} x ${problem.categoryCount})-Multinomial`;
      break;
    case 'exponential': {
      const shape = problem.count + offset;
      if (problem.target.kind === 'mean-lifetime' && shape <= 1) {
        return { kind: 'decline', reason: 'With one observation under the Jeffreys prior the posterior mean lifetime is infinite; add observations or use the uniform prior.' };
      }
      body = exponentialProgram(problem, { shapeOffset: offset });
      model = `Gamma-Exponential: rate per ${problem.unit} ~ Gamma(${shape}, ${problem.totalTime})`;
      break;
    }
  }
  return { kind: 'program', program: { code: prelude(options) + body, model, method, draws } };
}
