#!/usr/bin/env node
// Runs the same e2e suite (out/test/e2e/suite) in desktop VS Code downloaded by @vscode/test-electron, for
// machines that can reach update.code.visualstudio.com. Like runCodeServer.mjs it has a vsix pass (the .vsix
// installed into a private extensions dir) and a dev pass (the source folder as extensionDevelopmentPath).
//
//   MISP_GUARD_E2E_ELECTRON=1 node test/e2e/runElectron.mjs [--pass vsix|dev]
//   MISP_GUARD_VSCODE_VERSION  VS Code version to download (default: stable; try the engine minimum, 1.91.0)
//
// Opt-in: without MISP_GUARD_E2E_ELECTRON=1 and with --if-enabled it only says how to enable it (the
// mandatory real-editor run is runCodeServer.mjs). Needs a display: on a headless box use `xvfb-run -a`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopProcesses } from './processes.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const VSIX = join(ROOT, `${PKG.name}-${PKG.version}.vsix`);
const SUITE = join(ROOT, 'out', 'test', 'e2e', 'suite', 'index.js');
const ARTIFACTS = join(ROOT, '.test-artifacts', 'e2e-electron');
const args = process.argv.slice(2);
const REAL_HOME = process.env.HOME;
const REAL_TMPDIR = process.env.TMPDIR;
const passArg = args.includes('--pass') ? args[args.indexOf('--pass') + 1] : undefined;
const PASSES = passArg ? [passArg] : ['vsix', 'dev'];
const log = (...a) => console.log('[e2e:electron]', ...a);
const fail = (m) => { console.error(`\n[e2e:electron] FAILED: ${m}\n`); process.exit(1); };

if (process.env.MISP_GUARD_E2E_ELECTRON !== '1') {
  if (args.includes('--if-enabled')) {
    log('not run: set MISP_GUARD_E2E_ELECTRON=1 to also run the suite in desktop VS Code from @vscode/test-electron');
    process.exit(0);
  }
  fail('set MISP_GUARD_E2E_ELECTRON=1 (this downloads VS Code from update.code.visualstudio.com)');
}
if (process.platform === 'linux' && !process.env.DISPLAY) {
  fail('no DISPLAY for VS Code. Run it under a virtual X server:\n    apt-get install -y xvfb && xvfb-run -a npm run test:e2e:electron');
}
if (!existsSync(SUITE)) fail(`no compiled suite at ${SUITE}. Build it with:\n    npx tsc -b`);
if (PASSES.includes('vsix') && !existsSync(VSIX)) fail(`no ${VSIX}. Build it with:\n    npm run package`);

const { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } = await import('@vscode/test-electron');
const version = process.env.MISP_GUARD_VSCODE_VERSION || 'stable';
const cachePath = join(process.env.MISP_GUARD_CACHE || join(REAL_HOME, '.cache', 'misp-guard'), 'vscode-test');
const vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath }).catch((e) =>
  fail(`could not download VS Code ${version} (${e?.message ?? e}). Offline, run the suite in code-server:\n    npm run test:e2e`));

let failed = false;
for (const pass of PASSES) {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), `misp-guard-e2e-electron-${pass}-`));
  const outDir = join(ARTIFACTS, pass);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const ws = join(dir, 'ws');
  cpSync(join(ROOT, 'test', 'fixtures', 'corpus'), ws, { recursive: true });
  const userData = join(dir, 'data');
  const extDir = join(dir, 'ext');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoUpdate': false,
    'update.mode': 'none', 'security.workspace.trust.enabled': false, 'git.enabled': false,
  }));
  const resultsFile = join(outDir, 'results.json');
  try {
    let extensionDevelopmentPath = ROOT;
    if (pass === 'vsix') {
      const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
      const r = spawnSync(cli, [...cliArgs, '--user-data-dir', userData, '--extensions-dir', extDir, '--install-extension', VSIX],
        { encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`--install-extension failed:\n${r.stdout}\n${r.stderr}`);
      // VS Code runs extensionTestsPath only together with a development extension: an empty harness.
      extensionDevelopmentPath = join(dir, 'harness');
      mkdirSync(extensionDevelopmentPath);
      writeFileSync(join(extensionDevelopmentPath, 'package.json'), JSON.stringify({
        name: 'misp-guard-e2e-harness', publisher: 'misp-guard-tests', version: '0.0.0', engines: { vscode: '*' } }));
    }
    // runTests hands its environment to VS Code: keep its ~/.vscode, caches and sockets in the temp dir too.
    Object.assign(process.env, { HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp') });
    for (const d of ['home', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
    const code = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath,
      extensionTestsPath: SUITE,
      extensionTestsEnv: { MISP_GUARD_E2E_PASS: pass, MISP_GUARD_E2E_RESULTS: resultsFile, MISP_GUARD_E2E_EXTENSIONS_DIR: extDir },
      launchArgs: [ws, '--user-data-dir', userData, '--extensions-dir', extDir, '--disable-workspace-trust',
        '--skip-welcome', '--skip-release-notes', ...(pass === 'dev' ? ['--disable-extensions'] : [])],
    });
    if (!existsSync(resultsFile)) throw new Error('the suite wrote no results: it did not run');
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    if (code !== 0 || results.failures > 0) throw new Error(`${results.failures} failure(s) (exit ${code})`);
    if (!results.tests.some((t) => t.state === 'passed')) throw new Error('the suite ran no tests');
    log(`${pass}: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    failed = true;
    console.error(`[e2e:electron] ${pass} pass FAILED: ${e?.stack ?? e}`);
  } finally {
    Object.assign(process.env, { HOME: REAL_HOME, TMPDIR: REAL_TMPDIR });
    if (REAL_TMPDIR === undefined) delete process.env.TMPDIR;
    const leaked = await stopProcesses(undefined, dir);
    if (leaked.length) { failed = true; console.error(`[e2e:electron] processes outlived the ${pass} pass: ${leaked.join('; ')}`); }
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
