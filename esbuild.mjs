// Bundles the extension client, the language server and the CLI into single files under dist/.
// tsc -b only type-checks and builds the test output; what ships and what the bins run is this.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

// mainFields: jsonc-parser's "main" is a UMD build whose dynamic require()s esbuild cannot follow; its ESM build bundles.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', mainFields: ['module', 'main'] };
const shebang = { js: '#!/usr/bin/env node' };

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: shebang }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: shebang }),
  // Worker threads of the CLI and workspace scans (loaded from next to cli.js and server.js).
  build({ ...common, entryPoints: ['server/src/node/scanWorker.ts'], outfile: 'dist/scanWorker.js' }),
]);
for (const f of ['dist/server.js', 'dist/cli.js']) chmodSync(f, 0o755);
