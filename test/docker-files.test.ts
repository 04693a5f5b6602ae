// Checks docker/Dockerfile, .dockerignore and docker/compose.yaml as far as they can be checked
// without a Docker engine: schema validity, paths, users, commands and the health check.
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  DOCKERFILE,
  COMPOSE_FILE,
  COMPOSE_DIR,
  parseDockerfile,
  parseCopy,
  execForm,
  lastArgs,
  copyLanding,
  covers,
  dockerignoreExcludes,
  parseBuildTsconfig,
  composeServices,
  isBuiltFromDockerfile,
  bindMounts,
  environmentValue,
  run,
  dclint,
} from './support/docker-files.js';
import { assertCliBuilt, copyMigratedDataDir, REPO_ROOT, runCli, startServe, type ServeProcess } from './support/run-cli.js';


const stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const buildStage = stages.find((stage) =>
  stage.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('tsc -p tsconfig.build.json')),
);
const runtimeStage = stages.at(-1);
const isExcludedFromContext = dockerignoreExcludes(readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8'));

describe('docker/compose.yaml', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'overshare-compose-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('passes the Compose schema and every enabled dclint rule', async () => {
    const result = await dclint(COMPOSE_FILE);
    expect(result.rules, result.output).toEqual([]);
    expect(result.code, result.output).toBe(0);
  });

  it.each([
    ['a misspelt service key', 'restart: unless-stopped', 'restart_policy: unless-stopped'],
    ['an unknown depends_on condition', 'condition: service_healthy', 'condition: healthy'],
  ])('fails the schema check on a copy with %s', async (_case, good, bad) => {
    const original = readFileSync(COMPOSE_FILE, 'utf8');
    const broken = original.replace(good, bad);
    expect(broken).not.toBe(original);
    // The untouched copy passes where it lies, so the failure is the edit and nothing else.
    await writeFile(path.join(folder, 'compose.yaml'), original);
    expect((await dclint(path.join(folder, 'compose.yaml'))).code).toBe(0);
    await writeFile(path.join(folder, 'compose.yaml'), broken);
    const result = await dclint(path.join(folder, 'compose.yaml'));
    expect(result.code).not.toBe(0);
    expect(result.rules).toContain('invalid-schema');
  });

  it('builds the app and worker from docker/Dockerfile with the repository root as context', () => {
    const services = composeServices();
    const built = Object.entries(services).filter(([, service]) => isBuiltFromDockerfile(service));
    expect(built.map(([name]) => name).sort()).toEqual(['app', 'worker']);
    for (const [, service] of built) {
      const build = service.build as { context: string };
      expect(path.resolve(COMPOSE_DIR, build.context)).toBe(REPO_ROOT);
    }
  });

  it('runs only commands that overshare --help lists', async () => {
    assertCliBuilt();
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const commandsSection = help.stdout.split(/^Commands:$/mu)[1] ?? '';
    const listed = [...commandsSection.matchAll(/^ {2}(\w+)/gmu)].map((match) => match[1]).filter((name) => name !== 'help');
    expect(listed).toContain('serve');
    const imageCommand = execForm(lastArgs(runtimeStage!, 'CMD') ?? '[]')[0];

    for (const [name, service] of Object.entries(composeServices())) {
      if (!isBuiltFromDockerfile(service)) continue;
      const words = typeof service.command === 'string' ? service.command.split(/\s+/u) : service.command;
      const command = words?.[0] ?? imageCommand;
      expect(listed.includes(command ?? ''), `service ${name} runs "${command}"`).toBe(true);
    }
    expect(listed, 'the image CMD').toContain(imageCommand);
  });

  it('mounts files that exist, and the policy with its confidential documents where the policy expects them', () => {
    for (const [name, service] of Object.entries(composeServices())) {
      const mounts = bindMounts(service);
      for (const mount of mounts) {
        expect(existsSync(path.resolve(COMPOSE_DIR, mount.source)), `${name}: ${mount.source}`).toBe(true);
      }

      const policyFile = environmentValue(service, 'OVERSHARE_POLICY_FILE');
      if (policyFile === undefined) continue;
      const hostPath = (containerPath: string): string | undefined => {
        const mount = mounts.find((candidate) => covers(candidate.target, containerPath));
        return mount && path.resolve(COMPOSE_DIR, mount.source, path.posix.relative(mount.target, containerPath));
      };
      const policyOnHost = hostPath(policyFile);
      expect(policyOnHost, `${name}: OVERSHARE_POLICY_FILE is not mounted`).toBeDefined();
      const policy = parseYaml(readFileSync(policyOnHost!, 'utf8')) as { confidentialDocuments?: Array<{ path: string }> };
      for (const document of policy.confidentialDocuments ?? []) {
        const documentOnHost = hostPath(path.posix.resolve(path.posix.dirname(policyFile), document.path));
        expect(documentOnHost && existsSync(documentOnHost), `${name}: ${document.path} is not mounted`).toBe(true);
      }
    }
  });
});

describe('docker/Dockerfile and .dockerignore', () => {
  it('keeps host dependencies, builds, git history, local data, coverage and bench results out of the build context', () => {
    const hostOnly = ['node_modules/yaml/package.json', 'dist/cli/main.js', '.git/HEAD', '.overshare/PG_VERSION'];
    for (const file of [...hostOnly, 'coverage/index.html', 'bench/results/run.json']) {
      expect(isExcludedFromContext(file), file).toBe(true);
    }
    for (const file of ['package.json', 'cli/main.ts', 'bench/store-throughput.ts', 'examples/overshare.policy.yaml']) {
      expect(isExcludedFromContext(file), file).toBe(false);
    }
  });

  it('copies only sources that exist in the repository and reach the build context', () => {
    const copies = stages.flatMap((stage) => stage.instructions).filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
    const sources = copies
      .map((i) => parseCopy(i.args))
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(path.join(REPO_ROOT, source)), `${source} exists`).toBe(true);
      expect(isExcludedFromContext(path.posix.normalize(source)), `${source} is in .dockerignore`).toBe(false);
    }
  });

  it('bundles the review UI in the build stage, as `npm run build` does, from sources the stage copies', async () => {
    const packageJson = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const uiBuild = /vite build --config (\S+)/u.exec(packageJson.scripts.build ?? '');
    expect(uiBuild, 'npm run build bundles the UI with vite').not.toBeNull();
    const runs = buildStage!.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((args) => args.includes(`vite build --config ${uiBuild![1]!}`))).toBe(true);
    const copies = buildStage!.instructions.filter((i) => i.keyword === 'COPY').map((i) => parseCopy(i.args));
    expect(copies.some((copy) => copy.sources.some((source) => covers(source, uiBuild![1]!)))).toBe(true);
  });

  it('gives the build stage every file tsconfig.build.json compiles, at the same path as in the repository', () => {
    expect(buildStage, 'a stage that runs tsc -p tsconfig.build.json').toBeDefined();
    const workdir = lastArgs(buildStage!, 'WORKDIR') ?? '/';
    const copies = buildStage!.instructions.filter((i) => i.keyword === 'COPY').map((i) => parseCopy(i.args));
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.build.json',
      'tsconfig.json',
      ...parseBuildTsconfig().fileNames.map((file) => path.relative(REPO_ROOT, file).split(path.sep).join('/')),
    ];
    expect(needed).toContain('cli/main.ts');
    for (const file of needed) {
      const copy = copies.find(
        (candidate) => candidate.from === undefined && candidate.sources.some((source) => covers(source, file)),
      );
      expect(copy, `${file} is not copied into the build stage`).toBeDefined();
      const source = copy!.sources.find((candidate) => covers(candidate, file))!;
      expect(copyLanding(workdir, copy!, path.posix.normalize(source), file), file).toBe(path.posix.join(workdir, file));
      expect(isExcludedFromContext(file), `${file} is in .dockerignore`).toBe(false);
    }
  });

  it('starts the dist/cli/main.js that tsc builds from cli/main.ts, with package.json beside dist/', () => {
    const parsed = parseBuildTsconfig();
    const built = ts.getOutputFileNames(parsed, path.join(REPO_ROOT, 'cli/main.ts'), false).find((file) => file.endsWith('.js'));
    const builtRelative = path.relative(REPO_ROOT, built ?? '').split(path.sep).join('/');
    expect(builtRelative).toBe('dist/cli/main.js');
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin.overshare).toBe(builtRelative);

    const buildWorkdir = lastArgs(buildStage!, 'WORKDIR') ?? '/';
    const runtimeWorkdir = lastArgs(runtimeStage!, 'WORKDIR') ?? '/';
    const fromBuild = runtimeStage!.instructions
      .filter((i) => i.keyword === 'COPY')
      .map((i) => parseCopy(i.args))
      .filter((copy) => copy.from === buildStage!.name);
    // Where a file the build stage made ends up in the runtime image, or undefined.
    const landing = (relative: string): string | undefined => {
      const inBuild = path.posix.join(buildWorkdir, relative);
      const copy = fromBuild.find((candidate) => candidate.sources.some((source) => covers(source, inBuild)));
      const source = copy?.sources.find((candidate) => covers(candidate, inBuild));
      return copy && source && copyLanding(runtimeWorkdir, copy, source, inBuild);
    };

    const entrypoint = execForm(lastArgs(runtimeStage!, 'ENTRYPOINT') ?? '[]');
    const script = entrypoint[entrypoint.indexOf('node') + 1] ?? '';
    expect(entrypoint).toContain('node');
    expect(path.posix.resolve(runtimeWorkdir, script)).toBe(landing(builtRelative));
    // Without package.json ("type": "module") beside dist/, node would load dist/ as CommonJS.
    const distInImage = landing('dist');
    expect(distInImage).toBeDefined();
    expect(landing('package.json')).toBe(path.posix.join(path.posix.dirname(distInImage!), 'package.json'));
  });

  it('runs the runtime stage as a fixed non-root uid that owns /data before /data becomes a volume', () => {
    const instructions = runtimeStage!.instructions;
    const user = lastArgs(runtimeStage!, 'USER');
    expect(user, 'the runtime stage sets USER').toBeDefined();
    const [uid = '', gid = ''] = user!.split(':');
    expect(uid).toMatch(/^\d+$/u);
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== '') expect(Number(gid)).toBeGreaterThan(0);
    const creates = instructions.findIndex(
      (i) => i.keyword === 'RUN' && i.args.includes(`--uid ${uid}`) && /chown \S+ \/data/u.test(i.args),
    );
    const volume = instructions.findIndex((i) => i.keyword === 'VOLUME' && i.args.includes('/data'));
    expect(creates, `a RUN creating uid ${uid} and chowning /data`).toBeGreaterThanOrEqual(0);
    // Docker discards changes made to a path after it is declared a VOLUME.
    expect(volume).toBeGreaterThan(creates);
  });

  describe('HEALTHCHECK', () => {
    let serve: ServeProcess | undefined;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'overshare-healthcheck-'));
      assertCliBuilt();
      await copyMigratedDataDir(dataDir);
    }, 120_000);
    afterAll(async () => {
      await serve?.stop('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    });

    const healthcheck = (): string[] => {
      const args = lastArgs(runtimeStage!, 'HEALTHCHECK') ?? '';
      return execForm(args.slice(args.indexOf('CMD') + 'CMD'.length).trim());
    };

    it('succeeds against a running overshare serve and fails when nothing answers, using node alone', async () => {
      const [program, ...args] = healthcheck();
      expect(program).toBe('node');
      assertCliBuilt();
      serve = await startServe({ env: { OVERSHARE_DATA_DIR: dataDir } });
      const port = new URL(serve.url).port;
      expect((await run(args, { ...process.env, PORT: port })).code).toBe(0);

      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const closedPort = String((closed.address() as { port: number }).port);
      closed.close();
      await once(closed, 'close');
      expect((await run(args, { ...process.env, PORT: closedPort })).code).toBe(1);
    });
  });
});
