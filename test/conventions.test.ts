import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../core/config.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

// STYLE.md's conventions, checked rather than hoped for.

const trackedFiles = (): string[] =>
  execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && existsSync(path.join(REPO_ROOT, file)));

const sourceFiles = () => trackedFiles().filter((file) => /^(core|rules|ocr|crawler|store|pipeline|server|cli|demo|test|bench)\/.*\.tsx?$/u.test(file));

describe('code conventions', () => {
  it('names every source file in kebab-case, with no grab-bag utils, helpers or misc files', () => {
    const offenders = sourceFiles().filter((file) => {
      const name = path.basename(file);
      // `vite.config.ts`: a tool's own file name for its configuration.
      return !/^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.test|\.config)?\.tsx?$/u.test(name) || /^(utils|helpers|misc)(\.test)?\.tsx?$/u.test(name);
    });
    expect(offenders).toEqual([]);
  });

  it('keeps every source file under 400 lines', async () => {
    const long: string[] = [];
    for (const file of sourceFiles()) {
      const lines = (await readFile(path.join(REPO_ROOT, file), 'utf8')).split('\n').length;
      if (lines > 400) long.push(`${file}: ${lines} lines`);
    }
    expect(long).toEqual([]);
  });

  it('ignores no source file in git, so a fresh clone builds what this one does', () => {
    // A `coverage/` line once hid server/ui/src/pages/coverage/ from every commit.
    const ignored = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((entry) => /^(core|rules|ocr|crawler|store|pipeline|server|cli|demo|test|bench|docs|examples|docker)\//u.test(entry))
      .filter((entry) => !/(^|\/)(node_modules|dist|results)\//u.test(entry) && !entry.endsWith('.tsbuildinfo'));
    expect(ignored).toEqual([]);
  });
});

describe('README stays true', () => {
  const readme = () => readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');

  it('mentions only npm scripts that exist', async () => {
    const { scripts } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const mentioned = [...(await readme()).matchAll(/npm (?:run ([\w:-]+)|(start|test)\b)/gu)].map((match) => match[1] ?? match[2]);
    expect(mentioned.length).toBeGreaterThan(3);
    expect(mentioned.filter((script) => script !== undefined && !(script in scripts))).toEqual([]);
  });

  it('mentions only overshare commands that the CLI lists', async () => {
    const help = (await runCli(['--help'])).stdout;
    const listed = new Set([...help.matchAll(/^ {2}(\w+)/gmu)].map((match) => match[1]));
    const mentioned = [...(await readme()).matchAll(/`(?:npx )?overshare ([a-z]+)/gu)].map((match) => match[1]!);
    expect(mentioned.length).toBeGreaterThan(2);
    expect(mentioned.filter((command) => !listed.has(command) && command !== 'COMMAND')).toEqual([]);
  });

  it('documents exactly the environment variables the configuration reads', async () => {
    const documented = [...(await readme()).matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gmu)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('names only files and folders that exist', async () => {
    const paths = [...(await readme()).matchAll(/`((?:docs|examples|docker|bench|\.ci)\/[\w./-]*)`/gu)].map((match) => match[1]!);
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((file) => !existsSync(path.join(REPO_ROOT, file)))).toEqual([]);
  });

  it('has .ci/run run exactly the test command of the quick start', async () => {
    const quickStartTest = /^(npm [^#\n]*?)\s+#.*every test/mu.exec(await readme())?.[1];
    expect(quickStartTest).toBe('npm test');
    const ciScript = await readFile(path.join(REPO_ROOT, '.ci/run'), 'utf8');
    expect(ciScript.trimEnd().split('\n').at(-1)).toBe(quickStartTest);
  });
});
