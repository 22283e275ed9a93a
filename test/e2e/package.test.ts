/**
 * The .vsix that `npm run package` builds: it must hold the bundles the manifest points at, nothing outside
 * the .vscodeignore allowlist, and stay small. Reads the zip's central directory directly (no unzip needed).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const VSIX = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);

interface ZipEntry { name: string; size: number }

/** Entries of a zip file from its central directory. */
function zipEntries(file: string): ZipEntry[] {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  assert.ok(eocd >= 0, `${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50, 'corrupt central directory');
    const nameLength = buf.readUInt16LE(at + 28);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLength), size: buf.readUInt32LE(at + 24) });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return entries;
}

/** What may ship (paths under extension/), mirroring .vscodeignore. */
const ALLOWED = [
  /^package\.json$/, /^dist\/[^/]+\.js(\.map)?$/, /^syntaxes\/.+$/, /^language-configuration[^/]*\.json$/,
  /^images\/icon\.png$/, /^readme\.md$/i, /^changelog\.md$/i, /^LICENSE(\.txt)?$/,
];

describe('the packaged .vsix', () => {
  let names: string[];
  before(function () {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first`);
    names = zipEntries(VSIX).map((e) => e.name);
  });

  it('is smaller than 1 MB', () => {
    const size = fs.statSync(VSIX).size;
    assert.ok(size < 1024 * 1024, `${path.basename(VSIX)} is ${(size / 1024).toFixed(0)} KB`);
  });

  it('holds the client and server bundles, the manifest main file, icon and license', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string; icon: string };
    const required = ['dist/client.js', 'dist/server.js', manifest.main.replace(/^\.\//, ''), manifest.icon, 'LICENSE.txt', 'package.json'];
    for (const f of required) assert.ok(names.includes(`extension/${f}`), `extension/${f} is not in the .vsix:\n${names.join('\n')}`);
  });

  it('holds nothing outside the .vscodeignore allowlist', () => {
    const extra = names
      .filter((n) => n !== '[Content_Types].xml' && n !== 'extension.vsixmanifest')
      .filter((n) => !n.startsWith('extension/') || !ALLOWED.some((re) => re.test(n.slice('extension/'.length))));
    assert.deepEqual(extra, [], 'unexpected files in the .vsix');
  });
});
