// Preload (`node --import`) that records a V8 CPU profile of the whole process and writes it to
// $KMS_BENCH_CPU_PROFILE (a .cpuprofile file: open it in Chrome DevTools > Performance, or
// speedscope) when the process exits. The MCP server benchmark passes it to the server through
// NODE_OPTIONS when BENCH_MCP_CPU_PROFILE=1 (`--cpu-prof` itself is not allowed in NODE_OPTIONS).
// Plain .mjs so that it loads before any TypeScript loader.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const target = process.env.KMS_BENCH_CPU_PROFILE;
if (target) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 }); // microseconds
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this works in an 'exit' handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(target, JSON.stringify(result.profile));
    });
  });
}
