#!/usr/bin/env node
// kube-mcp-stack CLI entry: loads the TypeScript sources through tsx's ESM loader
// (so TS config modules given with --config load too) and runs cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
