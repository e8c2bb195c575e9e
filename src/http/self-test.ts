import type { ExecutionResult } from '../kernel/contracts.js';

/** The program `POST /api/v2/daytona/test` runs: it needs numpy and prints a known number. */
export const SELF_TEST = {
  name: 'numpy_sum',
  code: ['import numpy as np', '', 'values = np.arange(1, 101)', 'print(int(values.sum()))', ''].join('\n'),
  expectedStdout: '5050',
} as const;

export interface SelfTestVerdict {
  passed: boolean;
  message: string;
}

/** Checks the self-test's result: it must complete and print exactly the expected number. */
export function judgeSelfTest(result: ExecutionResult): SelfTestVerdict {
  if (result.status !== 'completed') {
    return { passed: false, message: `the test program did not complete: status ${result.status}${result.metadata.reason ? ` (${result.metadata.reason})` : ''}; see result.stderr` };
  }
  const printed = result.stdout.trim();
  if (printed !== SELF_TEST.expectedStdout) {
    return { passed: false, message: `the test program printed ${JSON.stringify(printed.slice(0, 200))}, expected ${SELF_TEST.expectedStdout}` };
  }
  return { passed: true, message: `numpy ran in the ${result.metadata.sandboxType} sandbox and printed the expected sum` };
}
