/**
 * Test helper run in a child process (`node --import tsx`): imports the package entry, builds a
 * kernel from the environment it is given, without warm-up, and closes it. The test reads which
 * packages Node loaded.
 */
import { createKernel } from '../../src/index.js';

const kernel = await createKernel({ config: { log: { level: 'silent' } }, warmUp: false });
await kernel.close();
