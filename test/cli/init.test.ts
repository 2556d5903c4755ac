/**
 * `kube-mcp-stack init` (cli/init.ts): the files of templates/init with their placeholders filled,
 * `_` segments written as dot files, pins from this package's own package.json, the refusal of a
 * non-empty folder. That the scaffolded repository installs, synthesizes and tests is
 * test/package/package.test.ts (from the packed tarball).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { defaultPackageSpec, packageRoot, scaffold } from '../../cli/init.js';
import { main } from '../../cli/main.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'kms-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('scaffold', () => {
  it('writes every template, dot files and .github included, with no placeholder left', () => {
    const dir = join(work, 'My Team Stack');
    const files = scaffold({ dir });
    expect(files).toEqual([
      '.github/workflows/ci.yml',
      '.gitignore',
      'README.md',
      'cdk8s.yaml',
      'jest.config.js',
      'main.ts',
      'package.json',
      'stack.config.ts',
      'test/stack.test.ts',
      'tsconfig.json',
    ]);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/\{\{|\}\}/);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-team-stack');
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.scripts).sort()).toEqual(['check', 'synth', 'test']);
    expect(pkg.dependencies['kube-mcp-stack']).toBe(own.version);
    // pinned: exactly the version this package declares, without its range operator
    expect(pkg.dependencies.cdk8s).toBe(own.peerDependencies.cdk8s.replace(/^\^/, ''));
    expect(pkg.devDependencies.typescript).toBe(own.devDependencies.typescript.replace(/^\^/, ''));
    for (const v of [...Object.values(pkg.dependencies), ...Object.values(pkg.devDependencies)]) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readFileSync(join(dir, 'stack.config.ts'), 'utf8')).toContain("from 'kube-mcp-stack'");
    expect(readFileSync(join(dir, 'stack.config.ts'), 'utf8')).toContain('satisfies StackConfig');
  });

  it('refuses a non-empty folder unless force; a folder holding only .git is fine', () => {
    const dir = join(work, 'busy');
    mkdirSync(join(dir, '.git'), { recursive: true });
    expect(scaffold({ dir, packageSpec: 'file:../x.tgz' })).toContain('main.ts');
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies['kube-mcp-stack']).toBe('file:../x.tgz');
    writeFileSync(join(dir, 'main.ts'), '// ours\n');
    expect(() => scaffold({ dir })).toThrow(/busy is not empty \(\.github, \.gitignore, README\.md, …\): use --force/);
    expect(readFileSync(join(dir, 'main.ts'), 'utf8')).toBe('// ours\n');
    scaffold({ dir, force: true });
    expect(readFileSync(join(dir, 'main.ts'), 'utf8')).toContain('synthesizeMain');
  });

  it('defaults the dependency to the tarball npx runs from, else to this version', () => {
    const tgz = join(work, 'kube-mcp-stack-9.9.9.tgz');
    writeFileSync(tgz, '');
    expect(defaultPackageSpec({ npm_command: 'exec', npm_config_package: tgz })).toBe(`file:${tgz}`);
    expect(defaultPackageSpec({ npm_command: 'exec', npm_config_package: 'kube-mcp-stack@1.0.0' })).toBe(own.version);
    expect(defaultPackageSpec({})).toBe(own.version);
    expect(packageRoot()).toBe(root);
  });
});

describe('kube-mcp-stack init (CLI)', () => {
  it('exits 0 and writes the folder; exits 1 naming --force on a second run', async () => {
    const dir = join(work, 'cli');
    expect(await main(['node', 'kube-mcp-stack', 'init', dir])).toBe(0);
    expect(existsSync(join(dir, '.gitignore'))).toBe(true);
    expect(await main(['node', 'kube-mcp-stack', 'init', dir])).toBe(1);
    expect(await main(['node', 'kube-mcp-stack', 'init', '--version'])).toBe(0);
  });
});
