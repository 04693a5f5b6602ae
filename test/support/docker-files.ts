import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import dockerignoreModule from '@balena/dockerignore';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './run-cli.js';

/** Readers of docker/Dockerfile, .dockerignore and docker/compose.yaml for test/docker-files.test.ts. */
export const DOCKERFILE = path.join(REPO_ROOT, 'docker/Dockerfile');
export const COMPOSE_FILE = path.join(REPO_ROOT, 'docker/compose.yaml');
export const COMPOSE_DIR = path.dirname(COMPOSE_FILE);

// The same check `npm test` runs: `dclint --config .dclintrc --max-warnings 0 docker/compose.yaml`.
export const DCLINT_ARGS = ['--config', '.dclintrc', '--max-warnings', '0'];

// ---------------------------------------------------------------------------------------------
// Reading the Dockerfile.

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions grouped by stage; continuation lines joined, comment lines dropped as Docker does. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const [keyword = '', ...rest] = `${pending}${line}`.split(/\s+/u);
    pending = '';
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      stages.push({ name: /\bAS\s+(\S+)/iu.exec(instruction.args)?.[1], instructions: [] });
    }
    stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/u);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  return {
    from: flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length),
    sources: paths.slice(0, -1),
    destination: paths.at(-1) ?? '',
  };
}

export function execForm(args: string): string[] {
  return JSON.parse(args) as string[];
}

export function lastArgs(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
}

/** Where a file at `sourceFile` (inside COPY source `source`) lands, per Docker's COPY rules. */
export function copyLanding(workdir: string, copy: Copy, source: string, sourceFile: string): string {
  const destination = path.posix.resolve(workdir, copy.destination);
  const isIntoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
  // A folder source copies its contents, not the folder itself.
  if (sourceFile !== source) return path.posix.join(destination, sourceFile.slice(source.length + 1));
  return isIntoFolder ? path.posix.join(destination, path.posix.basename(source)) : destination;
}

export function covers(source: string, file: string): boolean {
  const normalized = path.posix.normalize(source).replace(/\/+$/u, '');
  return normalized === '.' || file === normalized || file.startsWith(`${normalized}/`);
}

// ---------------------------------------------------------------------------------------------
// .dockerignore, read with Docker's own matching rules (@balena/dockerignore).

// The package is CommonJS (`module.exports = factory`) but its types declare `export default`, which
// NodeNext resolution reads as `.default`; at run time the default import is the factory itself.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

export function dockerignoreExcludes(text: string): (file: string) => boolean {
  const matcher = dockerignore({ ignorecase: false }).add(text);
  return (file) => matcher.ignores(file);
}

// ---------------------------------------------------------------------------------------------
// TypeScript's own view of tsconfig.build.json.

export function parseBuildTsconfig(): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(REPO_ROOT, 'tsconfig.build.json'), undefined, {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: (...args) => ts.sys.readDirectory(...args),
    fileExists: (file) => ts.sys.fileExists(file),
    readFile: (file) => ts.sys.readFile(file),
    getCurrentDirectory: () => REPO_ROOT,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('tsconfig.build.json could not be read');
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// The compose file.

export interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  profiles?: string[];
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  environment?: Record<string, string> | string[];
}

export function composeServices(): Record<string, ComposeService> {
  const compose = parseYaml(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, ComposeService> };
  return compose.services;
}

export function isBuiltFromDockerfile(service: ComposeService): boolean {
  if (service.build === undefined) return false;
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  const context = path.resolve(COMPOSE_DIR, build.context ?? '.');
  return path.resolve(context, build.dockerfile ?? 'Dockerfile') === DOCKERFILE;
}

export function bindMounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume !== 'string') {
      return volume.type === 'bind' && volume.source && volume.target ? [{ source: volume.source, target: volume.target }] : [];
    }
    const [source = '', target = ''] = volume.split(':');
    return source.startsWith('.') || source.startsWith('/') ? [{ source, target }] : [];
  });
}

export function environmentValue(service: ComposeService, name: string): string | undefined {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) return environment[name];
  return environment.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
}

// ---------------------------------------------------------------------------------------------

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function run(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

export const DCLINT_BIN = (() => {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('dclint/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: { dclint: string } };
  return path.join(path.dirname(manifestPath), manifest.bin.dclint);
})();

export async function dclint(file: string): Promise<{ code: number | null; rules: string[]; output: string }> {
  const result = await run([DCLINT_BIN, ...DCLINT_ARGS, '--formatter', 'json', file]);
  const reports = JSON.parse(result.stdout) as Array<{ messages: Array<{ rule: string }> }>;
  return {
    code: result.code,
    rules: reports.flatMap((report) => report.messages.map((message) => message.rule)),
    output: result.stdout + result.stderr,
  };
}
