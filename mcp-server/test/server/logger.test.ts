import { createLogger, pinoLevel } from '../../src/obs/logger.js';

describe('logger', () => {
  it('maps klog verbosity to pino levels', () => {
    expect([0, 1, 2, 5, 6, 9].map(pinoLevel)).toEqual(['info', 'info', 'debug', 'debug', 'trace', 'trace']);
    expect(pinoLevel('warn')).toBe('warn');
  });

  it('redacts token-bearing fields should they ever be logged', () => {
    const lines: string[] = [];
    const log = createLogger(0, { write: (s: string) => void lines.push(s) });
    log.info({ token: 'eyJ.secret', headers: { authorization: 'Bearer eyJ.secret' }, subject_token: 'eyJ.secret', client_secret: 'hunter2' }, 'x');
    expect(lines[0]).not.toContain('eyJ.secret');
    expect(lines[0]).not.toContain('hunter2');
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: '[redacted]', headers: { authorization: '[redacted]' } });
  });
});
