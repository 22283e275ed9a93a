import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, ROOT } from './helpers';

describe('extension', () => {
  it('is installed from the pass under test and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed; extensions: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
    const pass = process.env.MISP_GUARD_E2E_PASS;
    if (pass === 'vsix') {
      // The .vsix pass must not fall back to the source folder, or packaging mistakes would pass.
      const extDir = process.env.MISP_GUARD_E2E_EXTENSIONS_DIR ?? '';
      assert.ok(extDir && ext.extensionPath.startsWith(extDir + path.sep),
        `expected the extension from the installed .vsix under ${extDir}, got ${ext.extensionPath}`);
    } else if (pass === 'dev') {
      assert.equal(path.resolve(ext.extensionPath), ROOT);
    }
    for (const bundle of ['dist/client.js', 'dist/server.js']) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, bundle)), `${bundle} is missing from ${ext.extensionPath}`);
    }
    await ext.activate();
    assert.ok(ext.isActive, 'the extension did not activate');
  });
});
