/**
 * One source of the version: package.json `version` answers `--version`, the MCP serverInfo and
 * the default image tag of the charts.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { packageVersion, SERVER_VERSION } from '../../src/version.js';
import { buildCommand, parseCli } from '../../src/cli.js';
import { SERVER_INFO } from '../../src/mcp/server-factory.js';
import { releaseImage } from '../../../charts/release-image.js';
import { parseStackConfig } from '../../../charts/config.js';
import { referenceInput } from '../../../test/charts/stack-fixture.js';

const rootVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

it('reads the root package.json version from the sources', () => {
  expect(rootVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect(SERVER_VERSION).toBe(rootVersion);
  expect(SERVER_INFO.version).toBe(rootVersion);
});

it('takes the nearest package.json above the module (as /app/dist -> /app/package.json in the image)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'version-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kube-mcp-server', version: '9.8.7' }));
  mkdirSync(join(dir, 'dist', 'mcp'), { recursive: true });
  expect(packageVersion(join(dir, 'dist', 'mcp'))).toBe('9.8.7');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'no-version' }));
  expect(() => packageVersion(join(dir, 'dist'))).toThrow(/has no string "version"/);
});

it('prints the version for --version and exits through commander', () => {
  let out = '';
  const cmd = buildCommand().configureOutput({ writeOut: (s) => (out += s) });
  expect(() => parseCli(['--version'], cmd)).toThrow(CommanderError);
  expect(out.trim()).toBe(rootVersion);
});

it('defaults the MCP server image to the release location tagged with the package version', () => {
  expect(releaseImage('mcp-server')).toEqual({ repository: 'quay.io/kube-mcp-stack/mcp-server', tag: rootVersion });
  const input = referenceInput();
  delete input.mcpServer?.image;
  expect(parseStackConfig(input).mcpServer.image).toEqual({ repository: 'quay.io/kube-mcp-stack/mcp-server', tag: rootVersion });
});
