import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../core/errors.js';
import { generatePassword, readPassword } from './read-password.js';

function capture(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

describe('readPassword', () => {
  it('takes the first line of standard input with --password-stdin, keeping inner and trailing spaces', async () => {
    const input = Readable.from(['correct horse ', 'battery staple \r\nsecond line\n']);
    expect(await readPassword({ isFromStdin: true, input })).toEqual({ password: 'correct horse battery staple ', source: 'stdin' });
  });

  it('takes a last line without a newline', async () => {
    expect((await readPassword({ isFromStdin: true, input: Readable.from(['no newline at the end']) })).password).toBe('no newline at the end');
  });

  it('refuses empty standard input, saying how to pipe a password in', async () => {
    const error: unknown = await readPassword({ isFromStdin: true, input: Readable.from([]) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues[0]?.message).toContain('pipe it in as the first line');
  });

  it('generates a strong password when nobody can be asked and no flag was given', async () => {
    const result = await readPassword({ isFromStdin: false, input: Readable.from([]), isInteractive: false });
    expect(result.source).toBe('generated');
    expect(result.password).toMatch(/^[\w-]{24}$/u);
    expect(generatePassword()).not.toBe(result.password);
  });

  it('asks twice at a terminal without echoing what is typed', async () => {
    const input = new PassThrough();
    const output = capture();
    const reading = readPassword({ isFromStdin: false, input, output: output.stream, isInteractive: true, label: 'Password for jane' });
    input.write('Tr0ub4dor & 3 lamps\r');
    await new Promise((resolve) => setImmediate(resolve));
    input.write('Tr0ub4dor & 3 lamps\r');
    expect(await reading).toEqual({ password: 'Tr0ub4dor & 3 lamps', source: 'prompt' });
    expect(output.text()).toContain('Password for jane: ');
    expect(output.text()).toContain('Password for jane again: ');
    expect(output.text()).not.toContain('Tr0ub4dor');
  });

  it('refuses two entries that differ', async () => {
    const input = new PassThrough();
    const output = capture();
    const reading = readPassword({ isFromStdin: false, input, output: output.stream, isInteractive: true }).catch((caught: unknown) => caught);
    input.write('first passphrase here\r');
    await new Promise((resolve) => setImmediate(resolve));
    input.write('second passphrase here\r');
    const error = await reading;
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).message).toContain('the two entries differ');
  });
});
