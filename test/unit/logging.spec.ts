import { Writable } from 'node:stream';
import { createRootLogger, NestPinoLogger, requestContext, requestIdOf } from '../../src/common/logging';
import { toProblem } from '../../src/common/problem.filter';

/** The JSON lines a logger writes, parsed. */
function capture(level = 'trace') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: new NestPinoLogger(createRootLogger(level, 'json', sink)) };
}

describe('request ids', () => {
  it.each(['abc-123', 'trace.42', 'b3:0af7651916cd43dd8448eb211c80319c', 'A'.repeat(128)])(
    'takes %s from the caller',
    (id) => {
      expect(requestIdOf(id)).toBe(id);
    },
  );

  it.each(['', 'with space', 'quote"', 'line\nbreak', 'A'.repeat(129), '-leading-dash', 'ünïcode'])(
    'replaces %j with a new one',
    (id) => {
      expect(requestIdOf(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    },
  );

  it('makes one when none is given', () => {
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined));
  });
});

describe('NestPinoLogger', () => {
  it("writes Nest's levels as pino's, with the logger's name as context", () => {
    const { lines, logger } = capture();
    logger.log('started', 'Main');
    logger.warn('slow', 'Outbox');
    logger.verbose('detail', 'Relay');
    expect(lines.map((l) => [l.level, l.context, l.msg])).toEqual([
      ['info', 'Main', 'started'],
      ['warn', 'Outbox', 'slow'],
      ['trace', 'Relay', 'detail'],
    ]);
  });

  it("keeps an error's stack apart from its message", () => {
    const { lines, logger } = capture();
    logger.error('job failed', 'Error: boom\n    at x (y.js:1:1)', 'Workers');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'job failed', context: 'Workers' });
    expect(lines[0].stack).toContain('at x (y.js:1:1)');
  });

  it('writes nothing below its level', () => {
    const { lines, logger } = capture('warn');
    logger.log('quiet');
    logger.debug('quieter');
    logger.warn('heard');
    expect(lines.map((l) => l.msg)).toEqual(['heard']);
  });

  it("puts the request's id and user on every line written inside it", () => {
    const { lines, logger } = capture();
    requestContext.run({ requestId: 'req-1' }, () => {
      logger.log('before the token');
      const context = requestContext.getStore()!;
      context.userId = 'user-7';
      logger.log('after the token');
    });
    logger.log('outside');
    expect(lines.map((l) => [l.requestId, l.userId])).toEqual([
      ['req-1', undefined],
      ['req-1', 'user-7'],
      [undefined, undefined],
    ]);
  });

  it('redacts secrets that slip into a logged object', () => {
    const { lines, logger } = capture();
    logger.log({ msg: 'oops', password: 'p', body: { otp: '123456', newPassword: 'q' }, accessToken: 't' });
    expect(JSON.stringify(lines[0])).not.toMatch(/"p"|123456|"q"|"t"/);
  });
});

describe('the errorId of a 500', () => {
  it("is the request's id", () => {
    const problem = requestContext.run({ requestId: 'req-500' }, () => toProblem(new Error('database gone'), '/x'));
    expect(problem).toMatchObject({ status: 500, code: 'INTERNAL', errorId: 'req-500' });
    expect(JSON.stringify(problem)).not.toContain('database gone');
  });
});
