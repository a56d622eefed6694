import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { findServer, ServerNotFoundError } from '../src/serverPath';

// A fake file system: the set of executable files.
function fsWith(...files: string[]) {
  const set = new Set(files);
  return (f: string) => set.has(f);
}

const cases: {
  name: string;
  configured?: string;
  path?: string;
  platform?: NodeJS.Platform;
  files: string[];
  want?: { path: string; source: string };
  err?: RegExp;
}[] = [
  {
    name: 'setting wins over PATH and bundled',
    configured: '/opt/mcpriv/bin/mcpriv',
    path: '/usr/bin',
    files: ['/opt/mcpriv/bin/mcpriv', '/usr/bin/mcpriv', '/ext/bin/mcpriv'],
    want: { path: '/opt/mcpriv/bin/mcpriv', source: 'setting' },
  },
  {
    // Issue 14 item 16: the workspace never chooses the binary.
    name: 'a relative setting is refused, never resolved in the workspace',
    configured: 'tools/mcpriv',
    path: '/usr/bin',
    files: ['/ws/tools/mcpriv', 'tools/mcpriv', '/usr/bin/mcpriv'],
    err: /not an absolute path/,
  },
  {
    name: 'relative PATH entries are skipped',
    path: 'node_modules/.bin:./bin:/b',
    files: ['node_modules/.bin/mcpriv', './bin/mcpriv', '/b/mcpriv'],
    want: { path: '/b/mcpriv', source: 'PATH' },
  },
  {
    name: 'tilde in the setting is the home directory',
    configured: '~/go/bin/mcpriv',
    files: ['/home/u/go/bin/mcpriv'],
    want: { path: '/home/u/go/bin/mcpriv', source: 'setting' },
  },
  {
    name: 'a wrong setting is an error, not a silent fallback',
    configured: '/nope/mcpriv',
    path: '/usr/bin',
    files: ['/usr/bin/mcpriv'],
    err: /mcpriv\.path is set to "\/nope\/mcpriv"/,
  },
  {
    name: 'first PATH entry that has it',
    path: '/a:/b:/c',
    files: ['/b/mcpriv', '/c/mcpriv'],
    want: { path: '/b/mcpriv', source: 'PATH' },
  },
  {
    name: 'empty PATH entries (current directory) are skipped',
    path: ':/b',
    files: ['mcpriv', '/b/mcpriv'],
    want: { path: '/b/mcpriv', source: 'PATH' },
  },
  {
    name: 'bundled binary when nothing else',
    path: '/a',
    files: ['/ext/bin/mcpriv'],
    want: { path: '/ext/bin/mcpriv', source: 'bundled' },
  },
  {
    name: 'windows: .exe and ; separators',
    platform: 'win32',
    path: 'C:\\a;C:\\tools',
    files: ['C:\\tools\\mcpriv.exe'],
    want: { path: 'C:\\tools\\mcpriv.exe', source: 'PATH' },
  },
  {
    name: 'nothing found',
    path: '/a',
    files: [],
    err: /mcpriv binary was not found/,
  },
];

for (const c of cases) {
  test(`findServer: ${c.name}`, () => {
    const run = () =>
      findServer({
        configured: c.configured ?? '',
        extensionPath: c.platform === 'win32' ? 'C:\\ext' : '/ext',
        env: { PATH: c.path ?? '', HOME: '/home/u' },
        platform: c.platform ?? 'linux',
        isExecutable: fsWith(...c.files),
      });
    if (c.err) {
      assert.throws(run, (e: unknown) => e instanceof ServerNotFoundError && c.err!.test((e as Error).message));
    } else {
      assert.deepEqual(run(), c.want);
    }
  });
}
