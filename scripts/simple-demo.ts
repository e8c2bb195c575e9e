/** `npm run demo`: reason() on the coin question with embedded defaults. */
import { runDemo } from '../src/cli/demo.js';

process.exitCode = await runDemo(process.argv[2]);
