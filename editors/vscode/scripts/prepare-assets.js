// Copies the manifest JSON schema from docs/schema (its only source) into the
// extension, and the server binary when MCPRIV_BUNDLE_BINARY names one, so
// the .vsix works on a machine without mcpriv on PATH.
'use strict';
const fs = require('fs');
const path = require('path');

const ext = path.resolve(__dirname, '..');
const schemaSrc = process.env.MCPRIV_SCHEMA ||
  path.resolve(ext, '..', '..', 'docs', 'schema', 'mcp-capabilities.schema.json');

let schema;
try {
  schema = fs.readFileSync(schemaSrc, 'utf8');
  JSON.parse(schema); // a broken schema would silently disable YAML validation
} catch (e) {
  console.error(`prepare-assets: cannot use the manifest schema ${schemaSrc}: ${e.message}`);
  process.exit(1);
}
fs.mkdirSync(path.join(ext, 'schema'), { recursive: true });
fs.writeFileSync(path.join(ext, 'schema', 'mcp-capabilities.schema.json'), schema);
console.log(`prepare-assets: ${path.relative(process.cwd(), schemaSrc)} -> schema/`);

const bin = process.env.MCPRIV_BUNDLE_BINARY;
if (bin) {
  const name = process.platform === 'win32' ? 'mcpriv.exe' : 'mcpriv';
  fs.mkdirSync(path.join(ext, 'bin'), { recursive: true });
  fs.copyFileSync(bin, path.join(ext, 'bin', name));
  fs.chmodSync(path.join(ext, 'bin', name), 0o755);
  console.log(`prepare-assets: bundled server ${bin} -> bin/${name}`);
}
