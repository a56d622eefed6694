import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// Issue 14 item 16: a repository's .vscode/settings.json must not choose
// the binary that runs, the rules that judge it, or what is analysed.
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties;

for (const key of ['mcpriv.path', 'mcpriv.ruleDirs', 'mcpriv.excludes']) {
  test(`${key} is a machine setting, restricted in untrusted workspaces`, () => {
    assert.equal(props[key].scope, 'machine');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key));
  });
}

test('untrusted workspaces are supported in a limited way', () => {
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});
