import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

import { reportArgs, reportFile, runReport } from '../src/report';

test('reportArgs puts the folder after --', () => {
  assert.deepEqual(reportArgs('/ws/-odd', '/tmp/x.html'), ['report', '--no-progress', '--html', '/tmp/x.html', '--', '/ws/-odd']);
});

test('reportFile is a new file in a new directory', () => {
  const a = reportFile();
  const b = reportFile();
  assert.notEqual(path.dirname(a), path.dirname(b));
  assert.ok(fs.statSync(path.dirname(a)).isDirectory());
  assert.ok(!fs.existsSync(a));
});

// A stand-in binary that writes the page where --html says.
function fakeBinary(body: string, code = 0): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-mcpriv-'));
  const bin = path.join(dir, 'mcpriv');
  fs.writeFileSync(
    bin,
    `#!/bin/sh\nwhile [ "$1" != "--html" ]; do shift; done\nprintf '%s' '${body}' > "$2"\necho "mcpriv report: wrote $2" >&2\nexit ${code}\n`,
  );
  fs.chmodSync(bin, 0o755);
  return bin;
}

test('runReport returns the page and removes the file', async () => {
  const html = await runReport(fakeBinary('<table id="table-map"></table>'), '/ws');
  assert.equal(html, '<table id="table-map"></table>');
});

test('runReport fails with mcpriv\'s message', async () => {
  await assert.rejects(runReport(fakeBinary('', 2), '/ws'), /mcpriv report/);
});
