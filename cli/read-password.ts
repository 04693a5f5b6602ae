import { createInterface } from 'node:readline';
import { Writable, type Readable } from 'node:stream';
import { InputValidationError } from '../core/errors.js';
import { generatePassword } from '../server/auth/generate-password.js';

export { generatePassword };

/** Where a password came from: a script's standard input, a person at a terminal, or generated here. */
export type PasswordSource = 'stdin' | 'prompt' | 'generated';

/** A password and where it came from; a generated one must be shown to the operator once. */
export interface ReadPasswordResult {
  password: string;
  source: PasswordSource;
}

export interface ReadPasswordOptions {
  /** `--password-stdin`: the first line of `input` is the password. */
  isFromStdin: boolean;
  /** Default: process.stdin. */
  input?: Readable;
  /** Where prompts go; default process.stderr, so standard output stays clean for scripts. */
  output?: NodeJS.WritableStream;
  /** Whether a person can be asked; default: whether `input` is a terminal. */
  isInteractive?: boolean;
  /** What the prompt calls the password, e.g. `Password for jane`. */
  label?: string;
}


/**
 * Gets a new password: the first line of standard input with `--password-stdin`; otherwise asked
 * twice at a terminal without echo; otherwise (no terminal, no flag) a strong random one is made.
 * Fails with InputValidationError when standard input is empty or the two entries differ.
 */
export async function readPassword(options: ReadPasswordOptions): Promise<ReadPasswordResult> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  if (options.isFromStdin) return { password: await readFirstLine(input), source: 'stdin' };
  const isInteractive = options.isInteractive ?? (input as Readable & { isTTY?: boolean }).isTTY === true;
  if (!isInteractive) return { password: generatePassword(), source: 'generated' };
  const label = options.label ?? 'Password';
  const [first, second] = await promptHidden([`${label}: `, `${label} again: `], input, output);
  if (first !== second) {
    throw new InputValidationError('the password', [{ path: 'password', message: 'the two entries differ; run the command again and type the same password twice' }]);
  }
  return { password: first ?? '', source: 'prompt' };
}

async function readFirstLine(input: Readable): Promise<string> {
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
  } finally {
    lines.close();
  }
  throw new InputValidationError('standard input', [
    { path: '--password-stdin', message: 'no password arrived: pipe it in as the first line, e.g. `printf "%s\\n" "$PASSWORD" | overshare …`' },
  ]);
}

/** Asks each question in turn; what is typed is not echoed (readline writes through a muted stream). */
async function promptHidden(questions: readonly string[], input: Readable, output: NodeJS.WritableStream): Promise<string[]> {
  let isMuted = false;
  const muted = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!isMuted) output.write(chunk);
      done();
    },
  });
  const prompt = createInterface({ input, output: muted, terminal: true });
  // Ctrl-C in raw mode reaches readline, not the process: give up on the prompt instead of hanging.
  prompt.once('SIGINT', () => prompt.close());
  const lines = prompt[Symbol.asyncIterator]();
  const answers: string[] = [];
  try {
    for (const question of questions) {
      isMuted = false;
      prompt.setPrompt(question);
      prompt.prompt();
      isMuted = true;
      const next = await lines.next();
      // The Enter key was not echoed either: end the prompt's line ourselves.
      output.write('\n');
      if (next.done === true) {
        throw new InputValidationError('the password', [{ path: 'password', message: 'input ended before a password was typed' }]);
      }
      answers.push(next.value);
    }
    return answers;
  } finally {
    prompt.close();
  }
}
