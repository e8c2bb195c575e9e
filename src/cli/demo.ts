import { createKernel } from '../kernel/create-kernel.js';
import { bold, cyan, dim } from './format.js';
import { formatResult } from './format.js';
import { ONE_SHOT_DEFAULTS } from './one-shot-defaults.js';

/** The coin question of the seed. */
export const DEMO_QUESTION = 'A coin is flipped 20 times with 14 heads observed';

/**
 * Runs `reason()` on the coin question with embedded defaults (no keys, no Redis) and shows each
 * stage, the program, the sandbox and its isolation, the answer, estimates and confidence.
 */
export async function runDemo(question = DEMO_QUESTION): Promise<number> {
  const kernel = await createKernel({ defaults: ONE_SHOT_DEFAULTS });
  try {
    const status = await kernel.services.sandbox.status();
    process.stdout.write(`${bold('reasoning-kernel demo')}\n${status.indicator}\n`);
    process.stdout.write(`${dim(`sandbox: ${status.kind}, isolation: ${status.isolation}${status.detail ? ` (${status.detail})` : ''}`)}\n\n`);
    const result = await kernel.reason(question, {
      onProgress: (e) => {
        if (e.phase === 'start') process.stdout.write(dim(`  … ${e.stage}\n`));
      },
    });
    process.stdout.write('\n');
    if (result.program) {
      process.stdout.write(`${bold('Program')} ${dim(`(${result.program.model}, ran in the ${result.backend.sandbox} sandbox)`)}\n`);
      for (const line of result.program.code.replace(/\n$/, '').split('\n')) process.stdout.write(`${cyan('  │ ')}${line}\n`);
      process.stdout.write('\n');
    }
    if (result.execution) {
      const x = result.execution;
      process.stdout.write(`${bold('Execution')} ${x.status} in ${(x.executionTime * 1000).toFixed(1)} ms, cpu ${x.resourceUsage.cpuUsagePercent}%, peak ${x.resourceUsage.memoryUsageMb} MB, sandbox ${x.metadata.sandboxType} (${x.metadata.isolation})\n\n`);
    }
    process.stdout.write(formatResult(result));
    return result.success ? 0 : 1;
  } finally {
    await kernel.close();
  }
}
