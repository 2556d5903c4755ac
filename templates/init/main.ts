/**
 * The cdk8s app: stack.config.ts -> dist/ (one manifest file per chart, numbered in apply order).
 * `npm run synth` runs it. A config mistake prints every problem as `path: reason`, exits 1 and
 * leaves dist/ as it was (the stack is synthesized aside and swapped in only on success).
 */
import { synthesizeMain } from 'kube-mcp-stack';

// A dynamic import, so an error thrown while the config module loads is reported the same way.
process.exitCode = await synthesizeMain(() => import('./stack.config.js'), 'dist');
