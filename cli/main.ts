/**
 * `kube-mcp-stack`: every command of the CLI (commander), each defined in its own module
 * of cli/ (`realm`, `secrets`, `init`, `doctor`, `apply`). Exit codes: 0 success, 2 drift or missing Secrets (`realm
 * plan`, `secrets list`), 1 error or a failed `doctor` check (cause on stderr).
 */
import { Command } from 'commander';
import { applyCommand } from './apply.js';
import { doctorCommand } from './doctor.js';
import { realmCommand } from './realm.js';
import { secretsCommand } from './secrets.js';
import { initCommand } from './init.js';
import { PACKAGE_VERSION } from '../charts/release-image.js';

/** The whole CLI; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  /** Exit code of the command that ran (commander actions cannot return one). */
  let exitCode = 0;
  const program = new Command('kube-mcp-stack')
    .description('kube-mcp-stack: a user-context Kubernetes MCP server with Keycloak external OIDC, from one typed config')
    .addCommand(realmCommand((code) => (exitCode = code)))
    .addCommand(secretsCommand((code) => (exitCode = code)))
    .addCommand(initCommand((code) => (exitCode = code)))
    // kube-mcp-stack doctor: preflight over a live cluster (cli/doctor.ts)
    .addCommand(doctorCommand((code) => (exitCode = code)))
    // `apply`: dist/ to the cluster phase by phase (cli/apply.ts)
    .addCommand(applyCommand((code) => (exitCode = code)));
  // Every (sub)command throws instead of calling process.exit, so the code is returned here, and
  // answers --version; commands added with addCommand inherit neither from their parent.
  const override = (c: Command): void => {
    c.exitOverride();
    c.version(PACKAGE_VERSION, '-V, --version', 'print the version (package.json) and exit');
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  return exitCode;
}
