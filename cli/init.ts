/**
 * `kube-mcp-stack init [dir]`: scaffolds a team repository that synthesizes and tests right away
 * (`npm install && npm run synth && npm test`): package.json (pinned dependencies, scripts `synth`,
 * `test`, `check`), tsconfig.json (NodeNext), cdk8s.yaml, main.ts, stack.config.ts, jest.config.js
 * with a snapshot test of every chart, .gitignore, README.md and .github/workflows/ci.yml.
 *
 * The files come from the package's one template folder, `templates/init/` (see
 * {@link templateDir}): a path segment starting with `_` is written with a `.` (npm never packs a
 * `.gitignore`), a `.tmpl` file has its placeholders filled and the suffix dropped:
 * `{{name}}` (the package name), `{{version}}` (this package's version), `{{self}}` (the
 * dependency spec of kube-mcp-stack), `{{pin:<package>}}` (the version this package declares for
 * `<package>` in its own package.json — peer, runtime or dev dependency — without the range
 * operator: one source of every version).
 *
 * Exit codes: 0 written, 1 error (a non-empty directory without `--force`, an unreadable template).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { PACKAGE_VERSION } from '../charts/release-image.js';

/** The directory of this package's package.json, found walking up from this module (source or lib/). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'kube-mcp-stack') return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json of kube-mcp-stack above ${from}`);
  }
}

/** The template folder: `<package root>/templates/init`. */
export const templateDir = (): string => join(packageRoot(), 'templates', 'init');

/** Options of {@link scaffold}. */
export interface ScaffoldOptions {
  /** Target directory (created when missing). */
  readonly dir: string;
  /** Write into a non-empty directory, replacing files of the same name. @default false */
  readonly force?: boolean;
  /** package.json `name`. @default the directory's base name, lower-cased, npm-safe */
  readonly name?: string;
  /**
   * The kube-mcp-stack dependency: a version, a range, `file:<tarball>` or any npm spec.
   * @default {@link defaultPackageSpec}
   */
  readonly packageSpec?: string;
}

/**
 * The kube-mcp-stack dependency of a new repository: `file:<absolute path>` when this runs from a
 * tarball through npx (`npx --package ./kube-mcp-stack-0.1.0.tgz kube-mcp-stack init`: npm sets
 * `npm_config_package` to that path), else this package's own version, exact (`0.1.0`).
 */
export function defaultPackageSpec(env: NodeJS.ProcessEnv = process.env): string {
  const spec = env.npm_config_package?.trim();
  if (env.npm_command === 'exec' && spec && /^[^\n]+\.(tgz|tar\.gz)$/.test(spec) && existsSync(spec)) return `file:${resolve(spec)}`;
  return PACKAGE_VERSION;
}

/** The version `name` is declared with in this package's package.json, range operator removed. */
function pinnedVersion(manifest: Record<string, Record<string, string> | undefined>, name: string): string {
  for (const field of ['peerDependencies', 'dependencies', 'devDependencies']) {
    const range = manifest[field]?.[name];
    if (range) {
      const m = /^[\^~]?(\d+\.\d+\.\d+[\w.+-]*)$/.exec(range.trim());
      if (!m) throw new Error(`package.json ${field}.${name} is "${range}": a template pin needs a plain version or ^/~ range`);
      return m[1]!;
    }
  }
  throw new Error(`templates/init pins ${name}, which kube-mcp-stack's package.json does not declare`);
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** `my Team/Repo` → `my-team-repo`: a valid npm package name. */
const npmName = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|-+$/g, '') || 'kube-mcp-stack-deployment';

/**
 * Writes the team repository into `opts.dir`.
 * @returns the written files, relative to the directory, sorted
 * @throws Error `<dir> is not empty (…): use --force to write into it` when the directory holds
 *   anything but `.git`, unless `force`
 */
export function scaffold(opts: ScaffoldOptions): string[] {
  const dir = resolve(opts.dir);
  if (existsSync(dir)) {
    const present = readdirSync(dir).filter((f) => f !== '.git');
    if (present.length && !opts.force) {
      throw new Error(`${opts.dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}): use --force to write into it`);
    }
  }
  const root = packageRoot();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const values: Record<string, string> = {
    name: opts.name ?? npmName(basename(dir)),
    version: PACKAGE_VERSION,
    self: opts.packageSpec ?? defaultPackageSpec(),
  };
  const fill = (text: string): string =>
    text.replace(/\{\{(pin:)?([^}]+)\}\}/g, (whole, pin: string | undefined, key: string) => {
      if (pin) return pinnedVersion(manifest, key);
      if (!(key in values)) throw new Error(`templates/init: unknown placeholder ${whole}`);
      return values[key]!;
    });
  const templates = join(root, 'templates', 'init');
  const written: string[] = [];
  for (const file of filesUnder(templates)) {
    const target = file
      .split('/')
      .map((seg) => seg.replace(/^_/, '.'))
      .join('/')
      .replace(/\.tmpl$/, '');
    const raw = readFileSync(join(templates, file), 'utf8');
    mkdirSync(dirname(join(dir, target)), { recursive: true });
    writeFileSync(join(dir, target), file.endsWith('.tmpl') ? fill(raw) : raw);
    written.push(target);
  }
  return written.sort();
}

interface InitFlags {
  force?: boolean;
  name?: string;
  package?: string;
}

/** The `init` command; `setExit` receives its exit code. */
export function initCommand(setExit: (code: number) => void): Command {
  return new Command('init')
    .description('scaffold a team repository (stack.config.ts, main.ts, snapshot tests, CI) that runs `npm install && npm run synth && npm test` as is')
    .argument('[dir]', 'directory to create or fill (empty, or holding only .git)', '.')
    .option('-f, --force', 'write into a non-empty directory, replacing files of the same name', false)
    .option('--name <name>', 'package.json name (default: the directory name)')
    .option('--package <spec>', `kube-mcp-stack dependency spec, e.g. a version or file:<tarball> (default: the tarball npx runs, else ${PACKAGE_VERSION})`)
    .action((dir: string, flags: InitFlags) => {
      try {
        const files = scaffold({ dir, force: flags.force, name: flags.name, packageSpec: flags.package });
        process.stdout.write(
          `wrote ${files.length} files to ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n` +
            `next: ${dir === '.' ? '' : `cd ${dir} && `}npm install && npm run synth && npm test\n`,
        );
        setExit(0);
      } catch (e) {
        process.stderr.write(`kube-mcp-stack init: ${(e as Error).message}\n`);
        setExit(1);
      }
    });
}
