/**
 * zod schemas for every value the state store keeps, mirroring `src/kernel/contracts.ts` and the
 * state types in `src/kernel/tokens.ts`. Values are checked on write (so the store never accepts
 * something it would later refuse to read) and on read (Redis is shared and may hold anything).
 * The type assertions at the bottom fail the build when a contract changes and a schema does not.
 */
import { z } from 'zod';
import { sandboxSettingsSchema as configSandboxSettingsSchema } from '../config/schema.js';
import type { ExecutionResult, ReasoningResult, SandboxSettings } from '../kernel/contracts.js';
import type { RunProgress, SandboxRecord } from '../kernel/tokens.js';

const finite = z.number();
const nonNegative = z.number().min(0);
const unit = z.number().min(0).max(1);
const stageName = z.enum(['parse', 'retrieve', 'graph', 'synthesize', 'infer']);
const sandboxType = z.enum(['local', 'daytona']);

export const violationSchema = z.object({
  rule: z.string(),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
});

export const executionResultSchema = z.object({
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  executionTime: nonNegative,
  status: z.enum(['completed', 'failed', 'timeout', 'security_violation', 'resource_exceeded', 'error']),
  resourceUsage: z.object({ cpuUsagePercent: nonNegative, memoryUsageMb: nonNegative }),
  metadata: z.object({
    sandboxType,
    sandboxId: z.string().nullable(),
    isolation: z.enum(['bubblewrap', 'landlock', 'process', 'daytona', 'none']),
    truncated: z.boolean(),
    fallback: z.boolean(),
    streamsMerged: z.boolean(),
    cache: z.enum(['hit', 'miss']).optional(),
    reason: z.string().optional(),
    pythonVersion: z.string().optional(),
    warm: z.boolean().optional(),
    warmTier: z.enum(['full', 'light']).optional(),
  }),
  violations: z.array(violationSchema).optional(),
});

export const reasoningResultSchema = z.object({
  id: z.string().min(1),
  query: z.string(),
  success: z.boolean(),
  overallConfidence: unit,
  answer: z.object({ text: z.string(), value: finite, quantity: z.string() }).optional(),
  estimates: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      mean: finite,
      sd: nonNegative,
      interval: z.tuple([finite, finite]),
      intervalMass: unit,
    }),
  ),
  declined: z.object({ reason: z.string() }).optional(),
  stages: z.array(
    z.object({
      name: stageName,
      status: z.enum(['completed', 'failed', 'skipped']),
      durationMs: nonNegative,
      confidence: unit,
      error: z.string().optional(),
    }),
  ),
  program: z.object({ language: z.literal('python'), code: z.string(), model: z.string() }).optional(),
  execution: executionResultSchema.optional(),
  backend: z.object({ reasoning: z.enum(['embedded', 'llm']), sandbox: sandboxType }),
  durationMs: nonNegative,
  createdAt: z.string().min(1),
  persisted: z.boolean().optional(),
});

/** The config schema's ranges are the one definition of valid sandbox settings. */
export const sandboxSettingsSchema = configSandboxSettingsSchema;

export const sandboxRecordSchema = z.object({
  sandboxId: z.string().min(1),
  name: z.string(),
  createdAt: z.string().min(1),
  owner: z.string(),
});

export const runProgressSchema = z.object({
  runId: z.string().min(1),
  query: z.string(),
  stage: z.union([stageName, z.literal('done')]),
  startedAt: z.string().min(1),
});

// ---------------------------------------------------------------------------------------------
// Compile-time drift checks: each schema's output must be exactly its contract type.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
export type SchemaDriftChecks = [
  Expect<Equal<z.output<typeof executionResultSchema>, ExecutionResult>>,
  Expect<Equal<z.output<typeof reasoningResultSchema>, ReasoningResult>>,
  Expect<Equal<z.output<typeof sandboxSettingsSchema>, SandboxSettings>>,
  Expect<Equal<z.output<typeof sandboxRecordSchema>, SandboxRecord>>,
  Expect<Equal<z.output<typeof runProgressSchema>, RunProgress>>,
];
