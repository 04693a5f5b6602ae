import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { createLogger, REDACTED_FIELDS } from './logger.js';

/** The only line `lines` holds; fails the test when there is none or more than one. */
function onlyLine(lines: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('createLogger', () => {
  describe('lines', () => {
    it('writes the line to the destination before the log call returns', () => {
      const { log, lines } = capturingLogger();

      log.info('scan started');

      expect(lines).toHaveLength(1);
    });

    it('writes fields first, then the message, the service and an ISO time', () => {
      const { log, lines } = capturingLogger();

      log.info({ postId: 'p-1', ruleId: 'marking-confidential' }, 'finding recorded');

      expect(onlyLine(lines)).toEqual({
        level: 30,
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/u) as unknown,
        service: 'overshare',
        postId: 'p-1',
        ruleId: 'marking-confidential',
        msg: 'finding recorded',
      });
    });

    it('adds the module of a child logger to its lines', () => {
      const { log, lines } = capturingLogger();

      log.child({ module: 'store' }).info('migrated');

      expect(onlyLine(lines)).toMatchObject({ module: 'store', msg: 'migrated' });
    });

    it('drops lines below its level', () => {
      const { log, lines } = capturingLogger('warn');

      log.info('not shown');
      log.warn('shown');

      expect(lines.map((line) => line.msg)).toEqual(['shown']);
    });

    it('writes nothing at level silent', () => {
      const { log, lines } = capturingLogger('silent');

      log.fatal('not shown');

      expect(lines).toEqual([]);
    });

    it('rejects a level pino does not know', () => {
      expect(() => createLogger({ level: 'verbose' })).toThrow('default level:verbose must be included in custom levels');
    });
  });

  describe('redaction', () => {
    it.each(REDACTED_FIELDS)('redacts a top-level %s', (field) => {
      const { log, lines } = capturingLogger();

      log.info({ [field]: 'the secret value' }, 'logged');

      expect(onlyLine(lines)[field]).toBe('[redacted]');
    });

    it.each(REDACTED_FIELDS)('redacts %s one level down', (field) => {
      const { log, lines } = capturingLogger();

      log.info({ post: { id: 'p-1', [field]: 'the secret value' } }, 'logged');

      expect(onlyLine(lines).post).toEqual({ id: 'p-1', [field]: '[redacted]' });
    });

    it('redacts post text one level down while keeping its neighbours', () => {
      const { log, lines } = capturingLogger();

      log.info({ post: { text: 'secret', id: 7 } }, 'post stored');

      expect(onlyLine(lines).post).toEqual({ text: '[redacted]', id: 7 });
    });

    it('keeps fields whose names only resemble a redacted one', () => {
      const { log, lines } = capturingLogger();

      log.info({ textLength: 42, tokens: 3, Text: 'shown' }, 'logged');

      expect(onlyLine(lines)).toMatchObject({ textLength: 42, tokens: 3, Text: 'shown' });
    });

    it('redacts the authorization and cookie request headers', () => {
      const { log, lines } = capturingLogger();

      log.info({ req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'application/json' } } }, 'request');

      expect(onlyLine(lines).req).toEqual({
        headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'application/json' },
      });
    });

    it('redacts the x-api-key request header', () => {
      const { log, lines } = capturingLogger();

      log.info({ req: { headers: { 'x-api-key': 'k-123', host: 'localhost' } } }, 'request');

      expect(onlyLine(lines).req).toEqual({ headers: { 'x-api-key': '[redacted]', host: 'localhost' } });
    });

    it('redacts the set-cookie response header', () => {
      const { log, lines } = capturingLogger();

      log.info({ res: { headers: { 'set-cookie': 'sid=1', 'content-type': 'text/html' } } }, 'response');

      expect(onlyLine(lines).res).toEqual({ headers: { 'set-cookie': '[redacted]', 'content-type': 'text/html' } });
    });

    it('redacts the bindings of a child logger', () => {
      const { log, lines } = capturingLogger();

      log.child({ post: { text: 'secret' }, token: 'tk-1' }).info('bound');

      expect(onlyLine(lines)).toMatchObject({ post: { text: '[redacted]' }, token: '[redacted]' });
    });

    it('drops a credential carried on a logged error', () => {
      const { log, lines } = capturingLogger();

      log.error({ err: Object.assign(new Error('login failed'), { token: 'tk-1' }) }, 'login failed');

      expect(onlyLine(lines).err).toMatchObject({ message: 'login failed' });
      expect(JSON.stringify(onlyLine(lines))).not.toContain('tk-1');
    });
  });

  describe('errors', () => {
    it('serialises an error under err with its type, message and stack', () => {
      const { log, lines } = capturingLogger();

      log.error({ err: new TypeError('bad row') }, 'import failed');

      expect(onlyLine(lines).err).toEqual({
        type: 'TypeError',
        message: 'bad row',
        stack: expect.stringMatching(/^TypeError: bad row\n/u) as unknown,
      });
    });

    it('serialises an error under error the same way', () => {
      const { log, lines } = capturingLogger();

      log.error({ error: new Error('bad row') }, 'import failed');

      expect(onlyLine(lines).error).toMatchObject({ type: 'Error', message: 'bad row' });
    });

    it('joins the messages of the cause chain', () => {
      const { log, lines } = capturingLogger();
      const cause = new TypeError('fetch failed', { cause: new Error('socket closed') });

      log.error({ err: new Error('store down', { cause }) }, 'health check failed');

      expect(onlyLine(lines).err).toMatchObject({ message: 'store down: fetch failed: socket closed' });
    });

    it('appends the stack of every cause', () => {
      const { log, lines } = capturingLogger();
      const cause = new TypeError('fetch failed', { cause: new Error('socket closed') });

      log.error({ err: new Error('store down', { cause }) }, 'health check failed');

      const { stack } = onlyLine(lines).err as { stack: string };
      expect(stack.match(/^(?:Error|TypeError|caused by: \w+): .*$/gmu)).toEqual([
        'Error: store down',
        'caused by: TypeError: fetch failed',
        'caused by: Error: socket closed',
      ]);
    });
  });

  describe('privacy of errors and nested data', () => {
    it('logs only safe fields of a database error, never its parameters or failing row', () => {
      const { log, lines } = capturingLogger();
      const error = Object.assign(new Error('new row violates check constraint "x"'), {
        code: '23514',
        constraint: 'x',
        params: ['my password is hunter2'],
        detail: 'Failing row contains (my password is hunter2).',
        query: 'insert into posts (text) values ($1)',
      });
      log.error({ err: error }, 'insert failed');
      const logged = JSON.stringify(lines.at(-1));
      expect(logged).not.toContain('hunter2');
      expect(logged).not.toContain('insert into posts');
      expect(lines.at(-1)).toMatchObject({ err: { code: '23514', constraint: 'x', message: 'new row violates check constraint "x"' } });
    });

    it('redacts text two levels down and inside lists', () => {
      const { log, lines } = capturingLogger();
      log.info({ finding: { evidence: { text: 'WIFI PASS hunter2' } }, posts: [{ text: 'post one' }] }, 'x');
      expect(lines.at(-1)).toMatchObject({ finding: { evidence: { text: '[redacted]' } }, posts: [{ text: '[redacted]' }] });
    });
  });
});
