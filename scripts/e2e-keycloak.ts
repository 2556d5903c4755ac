/**
 * `npm run e2e:keycloak` — the Keycloak test harness by hand.
 *   (no flag)   start Keycloak, record it in the e2e state file, stop it on Ctrl-C
 *   --detach    start it, record it, exit and leave it running (tests then reuse it with
 *               KMS_E2E_REUSE_KEYCLOAK=1)
 *   --stop      stop the Keycloak recorded in the state file
 * The admin password stays in the state file (git-ignored cache); it is never printed.
 */
import { Command } from 'commander';
import { startKeycloak, stopKeycloak } from '../test/e2e/keycloak-harness.js';
import { readState, statePath, writeStateEntry } from '../test/e2e/e2e-state.js';

const opts = new Command('e2e-keycloak')
  .description('start or stop the real Keycloak used by the e2e tests')
  .option('--detach', 'leave Keycloak running after this command exits')
  .option('--stop', 'stop the Keycloak recorded in the e2e state file')
  .parse()
  .opts<{ detach?: boolean; stop?: boolean }>();

async function main(): Promise<void> {
  if (opts.stop) {
    const kc = readState().keycloak;
    if (!kc) return console.log(`no Keycloak recorded in ${statePath()}`);
    await stopKeycloak(kc);
    writeStateEntry('keycloak', undefined);
    return console.log(`stopped Keycloak pid ${kc.pid}`);
  }
  const started = Date.now();
  const kc = await startKeycloak();
  writeStateEntry('keycloak', kc);
  console.log(`Keycloak ${kc.version} ready in ${Math.round((Date.now() - started) / 1000)} s
  URL         ${kc.baseUrl}   (admin console ${kc.baseUrl}/admin/)
  health      ${kc.managementUrl}/health/ready
  CA          ${kc.caFile}
  admin user  ${kc.adminUsername} (password in ${statePath()})
  log         ${kc.logFile}
  pid         ${kc.pid}`);
  if (opts.detach) return;
  console.log('Ctrl-C stops it.');
  const stop = async () => {
    await stopKeycloak(kc);
    writeStateEntry('keycloak', undefined);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}

main().catch((e: Error) => {
  console.error(`e2e-keycloak: ${e.message}`);
  process.exit(1);
});
