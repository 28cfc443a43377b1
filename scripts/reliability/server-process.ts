import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root, found from this file whether it runs from scripts/ (ts-jest) or dist/scripts/ (built). */
export const projectRoot = (): string => {
  let dir = __dirname;
  while (dirname(dir) !== dir) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'negotiation-tracker'
    )
      return dir;
    dir = dirname(dir);
  }
  throw new Error(`no negotiation-tracker package.json above ${__dirname}`);
};

/** The Node flags `npm start` gives the server (package.json), so tests and benchmarks run it the same way. */
export const SERVER_NODE_FLAGS = ['--max-old-space-size=384'];

/** The built server entry point (`npm run build` makes it). */
export const serverMain = (): string => join(projectRoot(), 'dist', 'src', 'main.js');

/** A writer token and the AUTH_TOKENS value that configures only its digest. */
export const writerToken = (): { token: string; env: Record<string, string> } => {
  const token = `nt_${randomBytes(16).toString('hex')}`;
  const digest = createHash('sha256').update(token).digest('hex');
  return { token, env: { AUTH_TOKENS: `reliability-writer:writer:${digest}` } };
};

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Starts the built server on a free loopback port and resolves with its URL once it listens. */
export const startServerProcess = (env: Record<string, string>): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, serverMain()], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });

const exited = (server: ServerProcess) => server.child.exitCode !== null || server.child.signalCode !== null;

const signal = (server: ServerProcess, name: NodeJS.Signals): Promise<void> =>
  new Promise((resolve) => {
    if (exited(server)) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill(name);
  });

/** SIGKILL: no handler runs, no buffer is flushed; what survives is what the store made durable. */
export const killHard = (server: ServerProcess): Promise<void> => signal(server, 'SIGKILL');
export const stopGracefully = (server: ServerProcess): Promise<void> => signal(server, 'SIGTERM');

/** The peak resident memory of a live server process in MiB (Linux /proc), or undefined elsewhere. */
export const peakMemoryMiB = (server: ServerProcess): number | undefined => {
  try {
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) / 1024);
  } catch {
    return undefined;
  }
};
