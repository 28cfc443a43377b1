import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import {
  projectRoot,
  serverMain,
  stopGracefully,
  ServerProcess,
} from '../../scripts/reliability/server-process';

/**
 * The image, proven without a container engine: the Dockerfile's runtime stage is read (its ENV, COPY and CMD),
 * exactly what it copies is assembled in an empty folder, and its command is run there. A file the server needs
 * that the stage leaves out makes this fail as the container would.
 */
jest.setTimeout(120_000);

interface RuntimeStage {
  readonly env: Record<string, string>;
  readonly copies: ReadonlyArray<{
    readonly from?: string;
    readonly sources: string[];
    readonly dest: string;
  }>;
  readonly cmd: string[];
}

/** Joins continued lines and keeps the instructions of the last stage (the one the image runs). */
const runtimeStage = (dockerfile: string): RuntimeStage => {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const last = lines.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  const env: Record<string, string> = {};
  const copies: Array<{ from?: string; sources: string[]; dest: string }> = [];
  let cmd: string[] = [];
  for (const line of lines.slice(last + 1)) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    if (/^ENV$/i.test(instruction))
      for (const pair of rest) {
        const [key = '', ...value] = pair.split('=');
        env[key] = value.join('=');
      }
    if (/^COPY$/i.test(instruction)) {
      const from = rest.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = rest.filter((word) => !word.startsWith('--'));
      copies.push({ from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] ?? '' });
    }
    if (/^CMD$/i.test(instruction)) cmd = JSON.parse(rest.join(' ')) as string[];
  }
  return { env, copies, cmd };
};

/** The build stage's `npm prune --omit=dev`, mirrored: only the production packages, linked from this checkout. */
const productionModules = (root: string, target: string): void => {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
  });
  const topLevel = listed.stdout
    .split('\n')
    .map((path) => relative(join(root, 'node_modules'), path))
    .filter((path) => path !== '' && !path.startsWith('..') && !path.includes('node_modules'));
  expect(topLevel).toContain('express');
  for (const name of topLevel) {
    mkdirSync(dirname(join(target, name)), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), join(target, name), 'dir');
  }
};

/** Places what one COPY names: from the build stage (its WORKDIR /app is this built checkout) or the context. */
const assemble = (root: string, image: string, stage: RuntimeStage): void => {
  for (const copy of stage.copies)
    for (const source of copy.sources) {
      const from = copy.from === undefined ? join(root, source) : join(root, relative('/app', source));
      const to =
        copy.sources.length > 1 || copy.dest.endsWith('/')
          ? join(image, copy.dest, source)
          : join(image, copy.dest);
      if (relative(root, from) === 'node_modules') productionModules(root, to);
      else cpSync(from, to, { recursive: true });
    }
};

const start = (image: string, stage: RuntimeStage, dataDir: string): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const [command, ...args] = stage.cmd;
    expect(command).toBe('node');
    const child = spawn(process.execPath, args, {
      cwd: image,
      env: { PATH: process.env.PATH ?? '', ...stage.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1]) resolve({ url: match[1], child, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`the image's command exited (${code}) before listening:\n${output}`)),
    );
  });

const describeIfBuilt = existsSync(serverMain()) ? describe : describe.skip;
if (!existsSync(serverMain()))
  console.warn(`image test skipped: ${serverMain()} missing; run "npm run build" (npm test does)`);

describeIfBuilt('the Docker image, assembled from its Dockerfile', () => {
  const root = projectRoot();
  const work = mkdtempSync(join(tmpdir(), 'tracker-image-'));
  const image = join(work, 'app');
  const stage = runtimeStage(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  let server: ServerProcess;

  beforeAll(async () => {
    mkdirSync(image);
    assemble(root, image, stage);
    server = await start(image, stage, join(work, 'data'));
  });
  afterAll(async () => {
    if (server !== undefined) await stopGracefully(server);
    rmSync(work, { recursive: true, force: true });
  });

  it('copies no sources: the runtime stage holds the build, its modules and the stories', () => {
    expect(stage.copies.flatMap((copy) => copy.sources)).not.toContain('src');
    expect(existsSync(join(image, 'src'))).toBe(false);
    expect(stage.env.NODE_ENV).toBe('production');
  });

  it('answers /health, the page and a status query', async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module"');
    const asset = await fetch(`${server.url}/static/app.js`);
    expect(asset.status).toBe(200);
    const suggested = /Try: curl '([^']+)'/.exec(server.output())?.[1] ?? '';
    const status = await fetch(suggested);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { status: { stage: string } }).status.stage).toEqual(expect.any(String));
  });
});
