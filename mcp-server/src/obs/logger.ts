/**
 * pino JSON logger. `log_level` is a klog-style verbosity 0..9 (as in the Go server) or a pino
 * level name: 0–1 → info, 2–5 → debug, 6–9 → trace. Authorization headers and token fields are
 * redacted should they ever be passed to a log call.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export function pinoLevel(logLevel: number | string): string {
  if (typeof logLevel === 'string') return logLevel;
  if (logLevel <= 1) return 'info';
  if (logLevel <= 5) return 'debug';
  return 'trace';
}

/** @param destination stdout for HTTP; stderr (fd 2) for stdio, whose stdout carries the protocol. */
export function createLogger(logLevel: number | string, destination?: DestinationStream): Logger {
  return pino(
    {
      level: pinoLevel(logLevel),
      base: { service: 'kube-mcp-server' },
      redact: {
        paths: [
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          'subject_token',
          'client_secret',
          'stsSecret',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
