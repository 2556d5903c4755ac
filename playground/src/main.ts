#!/usr/bin/env node
/**
 * Entry point: `node playground/dist/main.js [flags]` (image: `node /app/playground/dist/main.js`),
 * or `npm run playground -- [flags]`. Exit code 0 after --help/--version, 2 on a usage or
 * configuration error (the message names the flag and its variable), 1 on other start-up failures.
 */
import { CommanderError } from 'commander';
import { parseCli } from './cli.js';
import { PlaygroundConfigError } from './config.js';
import { startPlayground } from './server.js';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = parseCli(process.argv.slice(2));
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2);
    if (e instanceof PlaygroundConfigError) {
      process.stderr.write(`kube-mcp-playground: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const running = await startPlayground(cfg);
  const shutdown = (signal: string) => {
    running.log.info({ signal }, 'shutting down');
    void running.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`kube-mcp-playground: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
