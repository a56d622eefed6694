import { strict as assert } from 'node:assert';
import { test } from 'node:test';

import { defaultMaxFileSize, markdownOf, serverSettings } from '../src/settings';

function getter(values: Record<string, unknown>) {
  return <T>(key: string, fallback: T): T => (key in values ? (values[key] as T) : fallback);
}

const cases: { name: string; in: Record<string, unknown>; want: ReturnType<typeof serverSettings> }[] = [
  {
    name: 'defaults',
    in: {},
    want: { severity: {}, excludes: [], showDeclared: true, ruleDirs: [], maxFileSize: defaultMaxFileSize },
  },
  {
    name: 'all set',
    in: {
      severity: { 'file.write': 'Error', 'unused-grant': 'hint' },
      excludes: ['dist/**'],
      showDeclared: false,
      ruleDirs: ['/rules'],
      maxFileSize: 1024.7,
    },
    want: {
      severity: { 'file.write': 'error', 'unused-grant': 'hint' },
      excludes: ['dist/**'],
      showDeclared: false,
      ruleDirs: ['/rules'],
      maxFileSize: 1024,
    },
  },
  {
    name: 'hand-edited garbage is dropped',
    in: {
      severity: { 'file.write': 'loud', 'system.exec': 3 },
      excludes: 'dist/**',
      showDeclared: 'no',
      ruleDirs: [1, '', '/ok'],
      maxFileSize: -5,
    },
    want: { severity: {}, excludes: [], showDeclared: true, ruleDirs: ['/ok'], maxFileSize: defaultMaxFileSize },
  },
  {
    name: 'severity must be an object',
    in: { severity: ['error'] },
    want: { severity: {}, excludes: [], showDeclared: true, ruleDirs: [], maxFileSize: defaultMaxFileSize },
  },
];

for (const c of cases) {
  test(`serverSettings: ${c.name}`, () => {
    assert.deepEqual(serverSettings(getter(c.in)), c.want);
  });
}

test('markdownOf', () => {
  assert.equal(markdownOf('# t'), '# t');
  assert.equal(markdownOf({ kind: 'markdown', value: '**x**' }), '**x**');
  assert.equal(markdownOf({ markdown: 'm' }), 'm');
  assert.equal(markdownOf(null), undefined);
  assert.equal(markdownOf(42), undefined);
});
