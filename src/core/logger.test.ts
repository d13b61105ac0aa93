import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(format: 'pretty' | 'json') {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (d) => (text += d));
  return { log: createLogger('info', sink, format), text: () => text };
}

describe('createLogger', () => {
  it('json: one object per line with an ISO timestamp', () => {
    const { log, text } = capture('json');
    log.info({ port: 3000 }, 'chakra ready');
    const line = JSON.parse(text());
    expect(line).toMatchObject({ level: 30, msg: 'chakra ready', port: 3000 });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('pretty: time, level, message and fields on one line; an error stack indented below', () => {
    const { log, text } = capture('pretty');
    log.info({ role: 'all', port: 3000, dataDir: '/tmp/my data' }, 'chakra ready');
    log.error({ err: new Error('boom') }, 'request failed');
    const [ready, failed, stackTop] = text().split('\n');
    expect(ready).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}chakra ready role=all port=3000 dataDir="\/tmp\/my data"$/);
    expect(failed).toMatch(/ ERROR request failed$/);
    expect(stackTop).toBe('    Error: boom');
  });

  it('redacts secrets in both formats', () => {
    for (const format of ['json', 'pretty'] as const) {
      const { log, text } = capture(format);
      log.info(
        {
          authorization: 'Bearer chk_secret',
          plugin: { accessToken: 'EAAG-secret', appSecret: 'app-secret' },
          headers: { authorization: 'x' },
        },
        'look',
      );
      expect(text()).not.toMatch(/secret|Bearer/);
      expect(text()).toContain('[redacted]');
    }
  });
});
