/**
 * Reload triggers: SIGHUP, and a change of the config file, the STS secret file or the CA
 * file. Kubernetes updates mounted ConfigMaps/Secrets by swapping a `..data` symlink in the
 * mount directory, so the directories are watched (debounced), not the files.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Runtime } from './runtime.js';
import type { ServerConfig } from './config/load.js';

export interface ReloadHandle {
  /** Reload now (what SIGHUP does). */
  trigger(): void;
  stop(): void;
}

/**
 * @param load re-reads the config file and re-applies the CLI overrides.
 * @param debounceMs wait for the burst of file events to settle. @default 300
 */
export function watchForReload(runtime: Runtime, load: () => ServerConfig, opts: { signals?: boolean; debounceMs?: number } = {}): ReloadHandle {
  let timer: NodeJS.Timeout | undefined;
  let watchers: FSWatcher[] = [];
  const rewatch = () => {
    watchers.forEach((w) => w.close());
    const byDir = new Map<string, Set<string>>();
    for (const f of runtime.current.config.watchedFiles) {
      if (!byDir.has(dirname(f))) byDir.set(dirname(f), new Set());
      byDir.get(dirname(f))!.add(basename(f));
    }
    watchers = [...byDir].flatMap(([d, names]) => {
      try {
        // Our files, or the `..data` symlink swap of a Kubernetes volume; other files are ignored.
        const w = watch(d, (_event, name) => {
          if (name == null || names.has(String(name)) || String(name).startsWith('..')) schedule();
        });
        w.on('error', () => undefined);
        return [w];
      } catch {
        runtime.deps.log.warn({ dir: d }, 'cannot watch directory for configuration changes; SIGHUP still reloads');
        return [];
      }
    });
  };
  const trigger = () => {
    if (runtime.reload(load)) rewatch();
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(trigger, opts.debounceMs ?? 300);
    timer.unref();
  };
  const onHup = () => trigger();
  if (opts.signals !== false) process.on('SIGHUP', onHup);
  rewatch();
  return {
    trigger,
    stop() {
      if (timer) clearTimeout(timer);
      watchers.forEach((w) => w.close());
      if (opts.signals !== false) process.off('SIGHUP', onHup);
    },
  };
}
