#!/usr/bin/env node
// kube-mcp-stack CLI entry: loads the TypeScript sources through tsx's ESM loader
// (so TS config modules given with --config load too) and runs keycloak-realm/cli.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../keycloak-realm/cli.ts');
process.exitCode = await main(process.argv);
