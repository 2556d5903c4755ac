/**
 * Starting and stopping the harness's own long-running programs (etcd, kube-apiserver).
 *
 * Each program runs detached in its own process group with stdout and stderr appended to one
 * log file, so it outlives a short-lived `npm run e2e:up` and is stopped later by pid alone.
 * Stopping checks that the pid still runs the same executable before signalling it, so a pid
 * reused by the system is never killed.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** A program the harness started. */
export interface StartedProgram {
  readonly name: string;
  readonly pid: number;
  /** Absolute path of the executable (checked against /proc/<pid>/cmdline before stopping). */
  readonly executable: string;
  readonly logFile: string;
}

/** A free TCP port on 127.0.0.1, found by binding port 0 and releasing it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts `executable args` detached, appending its output to `logFile`. */
export function startProgram(name: string, executable: string, args: readonly string[], logFile: string): StartedProgram {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(executable, args, { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${executable}`);
    child.unref();
    return { name, pid: child.pid, executable, logFile };
  } finally {
    closeSync(fd);
  }
}

/** True while `pid` is alive and still runs `executable` (Linux /proc). */
export function isRunning(program: Pick<StartedProgram, 'pid' | 'executable'>): boolean {
  try {
    const argv0 = readFileSync(`/proc/${program.pid}/cmdline`, 'utf8').split('\0')[0];
    const stat = readFileSync(`/proc/${program.pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return argv0 === program.executable && state !== 'Z';
  } catch {
    return false;
  }
}

/** The last `lines` lines of a log file ('' when it does not exist). */
export async function logTail(logFile: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(logFile, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` every 250 ms until it returns true, the program exits, or `timeoutMs` passes.
 * @throws Error with the tail of the program's log when it exits early or never becomes ready
 */
export async function waitReady(program: StartedProgram, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isRunning(program)) {
      throw new Error(`${program.name} exited before it was ready; last lines of ${program.logFile}:\n${await logTail(program.logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${program.name} not ready after ${timeoutMs} ms; last lines of ${program.logFile}:\n${await logTail(program.logFile)}`);
    }
    await sleep(250);
  }
}

/**
 * Stops a program the harness started: SIGTERM, then SIGKILL after `graceMs`.
 * Does nothing when the pid no longer runs that executable.
 */
export async function stopProgram(program: Pick<StartedProgram, 'pid' | 'executable'>, graceMs = 10_000): Promise<void> {
  if (!isRunning(program)) return;
  process.kill(program.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isRunning(program) && Date.now() < deadline) await sleep(100);
  if (isRunning(program)) process.kill(program.pid, 'SIGKILL');
  while (isRunning(program)) await sleep(50);
}
