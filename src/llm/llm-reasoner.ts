import { inject, injectable } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { KernelError } from '../errors.js';
import type { ExecutionResult } from '../kernel/contracts.js';
import { type Logger, type ModelProvider, type SandboxService, TOKENS } from '../kernel/tokens.js';
import { parseResultLine, type ResultLine } from '../../plugins/infer/result-line.js';
import { type AnalysisCoverage, analysisCoverage } from './analysis-coverage.js';
import { analysisMessages, type ProgramSettings, repairMessages, synthesisMessages } from './llm-prompts.js';
import { type LlmAnalysis, type LlmProgram, llmAnalysisSchema, llmProgramSchema } from './llm-schemas.js';
import { requestStructured, structuredSpec } from './structured-output.js';

/** Program rounds in `solve`: the first program plus at most two repairs (issue 4, item 6). */
export const MAX_PROGRAM_ROUNDS = 3;

/** Modules recommended to the model, in this order, when the validator allows them. */
const RECOMMENDED_IMPORTS = ['numpy', 'scipy', 'math', 'json'];

const ANALYSIS_SPEC = structuredSpec('problem_analysis', llmAnalysisSchema);
const PROGRAM_SPEC = structuredSpec('python_program', llmProgramSchema);

export interface LlmProgramOptions {
  /** Credible-interval mass (default 0.95). */
  intervalMass?: number;
  /** Seed the program must use (default 20240611, as `reason()`). */
  seed?: number;
  prior?: 'uniform' | 'jeffreys';
  signal?: AbortSignal;
}

export interface LlmSolveOptions extends LlmProgramOptions {
  /** Use the execution-result cache. */
  cache?: boolean;
  /** 1..3, default 3. */
  maxRounds?: number;
}

export interface LlmAnalysisResult {
  analysis: LlmAnalysis;
  /** Set when the model declined, or listed missing data or inconsistencies. */
  decline?: { reason: string };
  coverage: AnalysisCoverage;
  /** 1, or 2 when the first reply was unusable and the corrective retry was needed. */
  replies: number;
  /** 0..1 for the parse stage: share of the question's numbers accounted for, less after a retry. */
  confidence: number;
}

/** One program round. */
export interface ProgramAttempt {
  round: number;
  program: LlmProgram;
  execution: ExecutionResult;
  /** Empty when the round succeeded. */
  problems: string[];
}

/** The program as `SynthesizeOutput.program` / `ReasoningResult.program` carry it. */
export interface PythonProgram {
  language: 'python';
  code: string;
  model: string;
}

/** What the run-and-repair loop ends with. */
export type ProgramOutcome =
  | {
      status: 'answered';
      program: PythonProgram;
      /** What `parsedResult.answer.value` is, in the model's words. */
      answerQuantity: string;
      execution: ExecutionResult;
      parsedResult: ResultLine;
      attempts: ProgramAttempt[];
      /** 0..1 for the synthesize stage: 1 on the first round, less per repair. */
      confidence: number;
    }
  | {
      status: 'failed';
      program: PythonProgram;
      execution: ExecutionResult;
      failure: { reason: string; problems: string[] };
      attempts: ProgramAttempt[];
      confidence: number;
    };

/** `solve()`: a decline, or the analysis plus the program outcome. */
export type LlmSolveResult =
  | { status: 'declined'; analysis: LlmAnalysisResult; decline: { reason: string }; attempts: [] }
  | (ProgramOutcome & { analysis: LlmAnalysisResult });

/**
 * LLM mode: asks an OpenAI-compatible model to analyse a question (structured problem and
 * dependency graph), to write a program under the result-line contract, and to repair it from
 * validator or runtime errors. Programs run only through the `SandboxService`. The question is
 * never interpolated into code; it goes only into chat messages, delimited as untrusted data.
 * LLM infrastructure failures throw `LLM_ERROR`; a program that keeps failing is a `failed` result.
 */
@injectable()
export class LlmReasoner {
  private readonly log: Logger;

  constructor(
    @inject(TOKENS.ModelProvider) private readonly provider: ModelProvider,
    @inject(TOKENS.Config) private readonly config: Readonly<AppConfig>,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.SandboxService) private readonly sandbox: SandboxService,
  ) {
    this.log = logger.child({ component: 'llm-reasoner', model: provider.model });
  }

  /** The structured problem and dependency graph, zod-validated (one round-trip, one corrective retry). */
  async analyze(query: string, signal?: AbortSignal): Promise<LlmAnalysisResult> {
    checkAborted(signal);
    const { value: analysis, attempts } = await requestStructured(this.provider, analysisMessages(query), ANALYSIS_SPEC, { signal, logger: this.log });
    const decline = declineOf(analysis);
    const coverage = analysisCoverage(query, analysis);
    this.log.debug({ family: analysis.family, declined: decline !== undefined, coverage: coverage.coverage, replies: attempts }, 'question analysed');
    return { analysis, decline, coverage, replies: attempts, confidence: coverage.coverage * (attempts === 1 ? 1 : 0.9) };
  }

  /** A first program for the analysis. */
  async synthesize(query: string, analysis: LlmAnalysis, options: LlmProgramOptions = {}): Promise<LlmProgram> {
    checkAborted(options.signal);
    const settings = await this.programSettings(options);
    const { value } = await requestStructured(this.provider, synthesisMessages(query, analysis, settings), PROGRAM_SPEC, { signal: options.signal, logger: this.log });
    return value;
  }

  /** A corrected program, given what went wrong (validator violations, runtime errors, result-line problems). */
  async repair(
    query: string,
    analysis: LlmAnalysis,
    previous: Pick<LlmProgram, 'code'>,
    problems: readonly string[],
    round: number,
    options: LlmProgramOptions = {},
  ): Promise<LlmProgram> {
    checkAborted(options.signal);
    if (!(round >= 2 && round <= MAX_PROGRAM_ROUNDS)) {
      throw new KernelError('INVALID_INPUT', `repair round must be 2..${MAX_PROGRAM_ROUNDS}, got ${round}`);
    }
    const settings = await this.programSettings(options);
    const messages = repairMessages(query, analysis, settings, previous, problems, round, MAX_PROGRAM_ROUNDS);
    const { value } = await requestStructured(this.provider, messages, PROGRAM_SPEC, { signal: options.signal, logger: this.log });
    return value;
  }

  /**
   * Runs `first` through the SandboxService (validation, limits, the bound executor) and, while it
   * is refused, crashes or breaks the result-line contract, asks for a repair with exactly what went
   * wrong: at most `maxRounds` programs in all (default 3). A sandbox failure (status `error`) ends
   * the loop at once: it is not the program's fault.
   */
  async runProgram(query: string, analysis: LlmAnalysis, first: LlmProgram, options: LlmSolveOptions = {}): Promise<ProgramOutcome> {
    const maxRounds = options.maxRounds ?? MAX_PROGRAM_ROUNDS;
    if (!Number.isInteger(maxRounds) || maxRounds < 1 || maxRounds > MAX_PROGRAM_ROUNDS) {
      throw new KernelError('INVALID_INPUT', `maxRounds must be an integer in 1..${MAX_PROGRAM_ROUNDS}`);
    }
    const intervalMass = options.intervalMass ?? 0.95;
    const attempts: ProgramAttempt[] = [];
    let program = first;
    for (let round = 1; ; round++) {
      if (round > 1) program = await this.repair(query, analysis, program, attempts[attempts.length - 1].problems, round, options);
      checkAborted(options.signal);
      const execution = await this.sandbox.execute({ code: program.code, cache: options.cache, signal: options.signal });
      const checked = checkExecution(execution, analysis, intervalMass);
      attempts.push({ round, program, execution, problems: checked.problems });
      this.log.info({ round, status: execution.status, problems: checked.problems.length }, 'llm program round');
      const asProgram: PythonProgram = { language: 'python', code: program.code, model: program.model };
      // Each repair means the first program was wrong: less trust in the one that finally ran.
      const confidence = Math.max(0.5, 1 - 0.15 * (round - 1));
      if (checked.ok) {
        return { status: 'answered', program: asProgram, answerQuantity: program.answerQuantity, execution, parsedResult: checked.result, attempts, confidence };
      }
      if (checked.fatal || round >= maxRounds) {
        const reason = checked.fatal
          ? `The sandbox failed while running the model's program (${execution.metadata.reason ?? execution.status}); this is not the program's fault, retry later.`
          : `The model's program still failed after ${round} round${round === 1 ? '' : 's'} (validation or runtime errors): ${checked.problems.slice(0, 3).join('; ')}`;
        return { status: 'failed', program: asProgram, execution, failure: { reason, problems: checked.problems }, attempts, confidence: 0 };
      }
    }
  }

  /** The whole LLM path: analyze → (decline) → synthesize → runProgram (run and repair). */
  async solve(query: string, options: LlmSolveOptions = {}): Promise<LlmSolveResult> {
    const analysis = await this.analyze(query, options.signal);
    if (analysis.decline) return { status: 'declined', analysis, decline: analysis.decline, attempts: [] };
    const first = await this.synthesize(query, analysis.analysis, options);
    const outcome = await this.runProgram(query, analysis.analysis, first, options);
    return { ...outcome, analysis };
  }

  /** What the programs may use: the validator's allowlist, recommended modules first. */
  private async programSettings(options: LlmProgramOptions): Promise<ProgramSettings> {
    const settings = await this.sandbox.getSettings();
    const allowed = new Set([...settings.allowedImports, ...this.config.extraAllowedImports]);
    const recommended = [...RECOMMENDED_IMPORTS, ...this.config.extraAllowedImports].filter((m, i, all) => allowed.has(m) && all.indexOf(m) === i);
    return {
      intervalMass: options.intervalMass ?? 0.95,
      seed: options.seed ?? 20_240_611,
      prior: options.prior ?? 'uniform',
      allowedImports: recommended,
      timeoutS: settings.executionTimeoutS,
      memoryLimitMb: settings.memoryLimitMb,
    };
  }
}

function declineOf(analysis: LlmAnalysis): { reason: string } | undefined {
  if (analysis.decline) return { reason: analysis.decline.reason };
  const parts = [
    ...analysis.inconsistencies.map((s) => `inconsistent: ${s}`),
    ...analysis.missingData.map((s) => `missing: ${s}`),
  ];
  // The model listed a contradiction or a gap yet did not decline: refusing beats a made-up number.
  return parts.length > 0 ? { reason: `The question cannot be answered as stated (${parts.join('; ')}).` } : undefined;
}

type Checked = { ok: true; result: ResultLine; problems: [] } | { ok: false; fatal: boolean; problems: string[] };

function tail(text: string, chars = 1500): string {
  const t = text.trim();
  return t.length <= chars ? t : `…${t.slice(-chars)}`;
}

/** Turns an execution into the problems the model must fix (empty when the result is usable). */
export function checkExecution(execution: ExecutionResult, analysis: LlmAnalysis, intervalMass: number): Checked {
  switch (execution.status) {
    case 'security_violation':
      return {
        ok: false,
        fatal: false,
        problems: (execution.violations ?? []).length > 0
          ? execution.violations!.map((v) => `validator refused line ${v.line}:${v.column} [${v.rule}] ${v.message}`)
          : [`validator refused the program: ${tail(execution.stderr, 600)}`],
      };
    case 'timeout':
      return { ok: false, fatal: false, problems: [`the program did not finish within its time limit; use closed forms or fewer draws. ${tail(execution.stderr, 600)}`.trim()] };
    case 'resource_exceeded':
      return { ok: false, fatal: false, problems: [`the program exceeded a resource limit (${execution.metadata.reason ?? 'memory, output or processes'}); use less memory and print only the result line`] };
    case 'failed':
      return { ok: false, fatal: false, problems: [`the program exited with code ${execution.exitCode}: ${tail(execution.stderr || execution.stdout) || '(no output)'}`] };
    case 'error':
      return { ok: false, fatal: true, problems: [`the sandbox failed: ${execution.metadata.reason ?? tail(execution.stderr, 300)}`] };
    case 'completed':
      break;
  }
  const parsed = parseResultLine(execution.stdout);
  if (!parsed.ok) return { ok: false, fatal: false, problems: [`the program ran but ${parsed.error}`] };
  const problems: string[] = [];
  const value = parsed.value.answer.value;
  if (analysis.target.isProbability && (value < -1e-12 || value > 1 + 1e-12)) {
    problems.push(`answer.value is ${value}, but the question asks for a probability: give a fraction in 0..1`);
  }
  for (const e of parsed.value.estimates) {
    if (Math.abs(e.intervalMass - intervalMass) > 1e-9) problems.push(`estimate "${e.name}" has intervalMass ${e.intervalMass}; it must be ${intervalMass}`);
  }
  return problems.length > 0 ? { ok: false, fatal: false, problems } : { ok: true, result: parsed.value, problems: [] };
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new KernelError('ABORTED', 'The LLM reasoning was cancelled by its AbortSignal.', { cause: signal.reason });
}
