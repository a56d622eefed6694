// Finding the mcpriv binary. Kept free of the vscode API so it can be unit
// tested under plain Node.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerSource = 'setting' | 'PATH' | 'bundled';

export interface ServerLocation {
  path: string;
  source: ServerSource;
}

export interface FindOptions {
  /** The `mcpriv.path` setting ('' when unset). */
  configured: string;
  /** The extension's install directory, which may hold bin/mcpriv. */
  extensionPath: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Test seam: whether a file exists and can be executed. */
  isExecutable?: (file: string) => boolean;
}

export class ServerNotFoundError extends Error {}

function defaultIsExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    return path.join(env.HOME || env.USERPROFILE || os.homedir(), p.slice(1));
  }
  return p;
}

/**
 * Finds the server: the `mcpriv.path` setting if given (and then only it,
 * so a typo is reported rather than silently replaced), else `mcpriv` on
 * PATH, else the binary shipped inside the extension.
 */
export function findServer(opts: FindOptions): ServerLocation {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const isExec = opts.isExecutable ?? defaultIsExecutable;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const exe = platform === 'win32' ? 'mcpriv.exe' : 'mcpriv';

  const configured = opts.configured.trim();
  if (configured !== '') {
    const file = expandHome(configured, env);
    if (!p.isAbsolute(file)) {
      // A relative path would name a binary inside whichever repository is
      // open: the workspace must never choose what runs.
      throw new ServerNotFoundError(
        `mcpriv.path is set to "${configured}", which is not an absolute path: a relative path would run a binary from the workspace.`,
      );
    }
    if (!isExec(file)) {
      throw new ServerNotFoundError(`mcpriv.path is set to "${configured}", but ${file} is not an executable file.`);
    }
    return { path: file, source: 'setting' };
  }

  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':');
  for (const dir of dirs) {
    if (dir === '' || !p.isAbsolute(dir)) {
      continue; // an empty or relative entry names the current directory: never trust that for a binary
    }
    const file = p.join(dir, exe);
    if (isExec(file)) {
      return { path: file, source: 'PATH' };
    }
  }

  const bundled = p.join(opts.extensionPath, 'bin', exe);
  if (isExec(bundled)) {
    return { path: bundled, source: 'bundled' };
  }
  throw new ServerNotFoundError(
    'The mcpriv binary was not found: set "mcpriv.path", or put mcpriv on PATH ' +
      '(go install github.com/mcpriv/mcpriv/cmd/mcpriv@latest).',
  );
}

/**
 * A .vsix is a zip, and some unpackers drop the executable bit: restore it on
 * the shipped binary before trying it.
 */
export function ensureBundledExecutable(extensionPath: string): void {
  if (process.platform === 'win32') {
    return;
  }
  const file = path.join(extensionPath, 'bin', 'mcpriv');
  try {
    const st = fs.statSync(file);
    if ((st.mode & 0o111) === 0) {
      fs.chmodSync(file, st.mode | 0o755);
    }
  } catch {
    // not shipped in this build
  }
}
