/**
 * The Playground's version: `version` of the package.json two levels above this module
 * (the repository root in a checkout; `/app/package.json` in the image, whose version is the root's).
 */
import { readFileSync } from 'node:fs';

/** @throws Error when the package.json cannot be read */
export function playgroundVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}
