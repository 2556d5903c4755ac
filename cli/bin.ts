#!/usr/bin/env node
/**
 * The installed package's `kube-mcp-stack` executable (package.json `bin`, compiled to
 * lib/cli/bin.js): plain JavaScript, no TypeScript loader; a `.ts` `--config` registers tsx on
 * demand (cli/config-load.ts). In this repository `bin/kube-mcp-stack.js` runs the sources.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv);
