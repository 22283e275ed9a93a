#!/usr/bin/env node
// Runs the e2e suite (out/test/e2e/suite) inside a real VS Code: code-server from npm, driven by headless
// Debian chromium through playwright-core. Recipe: ../shared/docs/real-editor-testing.md.
//
// Two passes, each with its own code-server, HOME, TMPDIR and browser profile under a fresh temp dir:
//   vsix  the packaged .vsix is installed with --install-extension, so packaging mistakes fail;
//         the dev path in the URL payload is an empty harness extension (VS Code only runs tests with one).
//   dev   the source folder is loaded as extensionDevelopmentPath (the URL payload trick).
//
//   node test/e2e/runCodeServer.mjs [--pass vsix|dev] [--timeout <seconds>] [--keep] [--verbose]
//
// Environment: MISP_GUARD_CACHE (code-server cache root), MISP_GUARD_CODE_SERVER, MISP_GUARD_CHROMIUM.
// Screenshots and logs go to .test-artifacts/e2e/<pass>/. Exit code 0 only when every test of every pass ran
// and passed; a missing browser or code-server is an error with the command that installs it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { stopProcesses } from './processes.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const EXTENSION_ID = `${PKG.publisher}.${PKG.name}`;
const CODE_SERVER_VERSION = '4.100.3';
const CACHE = process.env.MISP_GUARD_CACHE || join(homedir(), '.cache', 'misp-guard');
const CODE_SERVER = process.env.MISP_GUARD_CODE_SERVER
  || join(CACHE, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.MISP_GUARD_CHROMIUM || '/usr/bin/chromium';
const VSIX = join(ROOT, `${PKG.name}-${PKG.version}.vsix`);
const SUITE = join(ROOT, 'out', 'test', 'e2e', 'suite', 'index.js');
const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus');
const ARTIFACTS = join(ROOT, '.test-artifacts', 'e2e');

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const PASSES = option('--pass') ? [option('--pass')] : ['vsix', 'dev'];
const TIMEOUT_MS = Number(option('--timeout') || 240) * 1000;
const KEEP = args.includes('--keep');
const VERBOSE = args.includes('--verbose') || process.env.MISP_GUARD_E2E_VERBOSE === '1';

const log = (...a) => console.log('[e2e:code-server]', ...a);

/** Stops with a message that says how to fix the machine; never a silent pass. */
function fail(message) {
  console.error(`\n[e2e:code-server] FAILED: ${message}\n`);
  process.exit(1);
}

function preflight() {
  try { accessSync(CHROMIUM, constants.X_OK); } catch {
    fail(`no browser at ${CHROMIUM}. Install it with:\n    apt-get update && apt-get install -y chromium\n`
      + '  (or point MISP_GUARD_CHROMIUM at a chromium binary)');
  }
  try { accessSync(CODE_SERVER, constants.X_OK); } catch {
    fail(`no code-server at ${CODE_SERVER}. Install it (once, into ${CACHE}) with:\n    scripts/e2e/install-code-server.sh`);
  }
  if (PASSES.some((p) => !['vsix', 'dev'].includes(p))) fail(`unknown pass ${PASSES.join(',')}; use vsix or dev`);
  if (PASSES.includes('vsix') && !existsSync(VSIX)) fail(`no ${VSIX}. Build it with:\n    npm run package`);
  if (!existsSync(SUITE)) fail(`no compiled suite at ${SUITE}. Build it with:\n    npx tsc -b`);
  if (!existsSync(join(ROOT, 'dist', 'client.js'))) fail('no dist/client.js. Build it with:\n    npm run build');
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createNetServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** Rejects after ms with a message naming what was awaited. */
function deadline(ms, what) {
  let timer;
  const promise = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${ms / 1000} s ${what}`)), ms); });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Environment for code-server and everything it starts: nothing may land in the real HOME or /tmp. */
function isolatedEnv(dir, extra = {}) {
  const env = { ...process.env, HOME: join(dir, 'home'), TMPDIR: join(dir, 'tmp'),
    XDG_CONFIG_HOME: join(dir, 'home', '.config'), XDG_DATA_HOME: join(dir, 'home', '.local', 'share'),
    XDG_CACHE_HOME: join(dir, 'home', '.cache'), XDG_STATE_HOME: join(dir, 'home', '.local', 'state'),
    XDG_RUNTIME_DIR: join(dir, 'tmp'), ...extra };
  // A VS Code terminal running this script must not leak its IPC hooks into the nested one.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  return env;
}

function layout(dir, port) {
  for (const d of ['home', 'tmp', 'data/User', 'ext', 'browser', 'harness']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  writeFileSync(join(dir, 'data', 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'update.mode': 'none',
    'security.workspace.trust.enabled': false, 'git.enabled': false, 'window.restoreWindows': 'none',
    'workbench.enableExperiments': false, 'chat.disableAIFeatures': true,
  }, null, 2));
  // Harness for the vsix pass: VS Code runs extensionTestsPath only together with a development extension.
  writeFileSync(join(dir, 'harness', 'package.json'), JSON.stringify({
    name: 'misp-guard-e2e-harness', publisher: 'misp-guard-tests', version: '0.0.0', engines: { vscode: '*' },
  }));
  const ws = join(dir, 'ws');
  cpSync(CORPUS, ws, { recursive: true });
  return ws;
}

function codeServerArgs(dir) {
  return ['--config', join(dir, 'config.yaml'), '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', join(dir, 'data'), '--extensions-dir', join(dir, 'ext')];
}

function installVsix(dir, outDir) {
  const started = Date.now();
  const r = spawnSync(CODE_SERVER, [...codeServerArgs(dir), '--install-extension', VSIX],
    { env: isolatedEnv(dir), encoding: 'utf8', timeout: 60_000 });
  writeFileSync(join(outDir, 'install-extension.log'), `${r.stdout}\n${r.stderr}`);
  if (r.status !== 0) throw new Error(`code-server --install-extension ${VSIX} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  const installed = readdirSync(join(dir, 'ext')).filter((n) => n.startsWith(`${EXTENSION_ID}-`));
  if (installed.length !== 1) throw new Error(`the .vsix did not install as ${EXTENSION_ID} (extensions dir: ${readdirSync(join(dir, 'ext'))})`);
  log(`installed ${installed[0]} from the .vsix in ${Date.now() - started} ms`);
}

/** Starts code-server in its own process group and resolves when it listens. */
function startCodeServer(dir, env, outDir) {
  const child = spawn(CODE_SERVER, codeServerArgs(dir), { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((res, rej) => {
    const onData = (chunk) => {
      output += chunk;
      if (/HTTP server listening on/.test(output)) res();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', rej);
    child.once('exit', (code, signal) => rej(new Error(`code-server exited early (${code ?? signal}):\n${output}`)));
  });
  child.on('exit', () => writeFileSync(join(outDir, 'code-server.log'), output));
  return { child, ready, output: () => output };
}

/**
 * Serves the suite's requests to the driver. The extension host cannot reach the page, so a test that wants a
 * screenshot POSTs {name, waitFor} to /screenshot and gets the answer once the file is written; a test that
 * wants to read what the user sees (a notification) POSTs {selector} to /text and gets the inner texts of the
 * matching elements once one is visible.
 */
function startHookServer(state, outDir) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      try {
        if (req.method !== 'POST' || (req.url !== '/screenshot' && req.url !== '/text')) throw new Error(`unknown hook ${req.method} ${req.url}`);
        if (!state.page) throw new Error('no page yet');
        if (req.url === '/text') {
          const { selector } = JSON.parse(body);
          await state.page.locator(selector).first().waitFor({ state: 'visible', timeout: 15_000 });
          const texts = await state.page.locator(selector).allInnerTexts();
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ texts }));
          return;
        }
        const { name, waitFor } = JSON.parse(body);
        if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad screenshot name ${name}`);
        if (waitFor) await state.page.locator(waitFor).first().waitFor({ state: 'visible', timeout: 15_000 });
        const path = join(outDir, `${name}.png`);
        await state.page.screenshot({ path });
        log(`screenshot ${path}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path }));
      } catch (e) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e?.message ?? e) }));
      }
    });
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res(server)));
}

async function runPass(pass) {
  const started = Date.now();
  const outDir = join(ARTIFACTS, pass);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `misp-guard-e2e-${pass}-`));
  const port = await freePort();
  const ws = layout(dir, port);
  const resultsFile = join(outDir, 'results.json');
  const state = { page: undefined, context: undefined, server: undefined, hook: undefined };
  const cleanup = async () => {
    if (state.context) await Promise.race([state.context.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    if (state.hook) state.hook.close();
    const leaked = await stopProcesses(state.server?.child.pid, dir);
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
    return leaked;
  };
  process.once('SIGINT', () => { void cleanup().then(() => process.exit(130)); });
  process.once('SIGTERM', () => { void cleanup().then(() => process.exit(143)); });

  const overall = deadline(TIMEOUT_MS, `for the ${pass} pass (code-server + suite); logs in ${outDir}`);
  let error;
  let leaked = [];
  try {
    await Promise.race([overall.promise, (async () => {
      if (pass === 'vsix') installVsix(dir, outDir);
      state.hook = await startHookServer(state, outDir);
      const env = isolatedEnv(dir, {
        MISP_GUARD_E2E_PASS: pass,
        MISP_GUARD_E2E_RESULTS: resultsFile,
        MISP_GUARD_E2E_HOOK: `http://127.0.0.1:${state.hook.address().port}`,
        MISP_GUARD_E2E_EXTENSIONS_DIR: join(dir, 'ext'),
        MISP_GUARD_E2E_ROOT: ROOT,
      });
      state.server = startCodeServer(dir, env, outDir);
      await state.server.ready;
      log(`${pass}: code-server ${CODE_SERVER_VERSION} on port ${port} (pid ${state.server.child.pid}) after ${Date.now() - started} ms`);

      const { chromium } = await import('playwright-core');
      state.context = await chromium.launchPersistentContext(join(dir, 'browser'), {
        executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 900 },
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync'],
      });
      const page = state.context.pages()[0] ?? await state.context.newPage();
      state.page = page;
      const consoleLines = [];
      page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
      state.context.on('close', () => writeFileSync(join(outDir, 'browser-console.log'), consoleLines.join('\n')));

      let exit;
      const exited = new Promise((res) => { exit = res; });
      // Both must be exposed before goto: the workbench looks them up when the tests start.
      // The workbench forwards the extension host's console here (mocha's spec reporter included), mixed with its
      // own chatter; all of it goes to automation.log, and to stdout with --verbose. Results come from results.json.
      const automationLog = [];
      state.context.on('close', () => writeFileSync(join(outDir, 'automation.log'), automationLog.join('\n')));
      await page.exposeFunction('codeAutomationLog', (type, a) => {
        const text = format(...(Array.isArray(a) ? a : [a]));
        automationLog.push(type === 'error' ? `[error] ${text}` : text);
        if (VERBOSE) for (const line of text.split('\n')) console.log(`  │ ${line}`);
      });
      await page.exposeFunction('codeAutomationExit', (code) => exit(code));

      const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
      const devPath = pass === 'vsix' ? join(dir, 'harness') : ROOT;
      const payload = [['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(SUITE)]];
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const code = await exited;
      log(`${pass}: extension host tests exited with ${code} after ${Date.now() - started} ms`);

      if (!existsSync(resultsFile)) throw new Error(`the suite wrote no ${resultsFile}: it did not run (see ${outDir}/*.log)`);
      const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
      const mark = { passed: 'ok  ', failed: 'FAIL', pending: 'SKIP' };
      for (const t of results.tests) log(`${pass}: ${mark[t.state] ?? t.state} ${t.title}${t.error ? `\n      ${t.error.split('\n').join('\n      ')}` : ''}`);
      if (code !== 0 || results.failures > 0) throw new Error(`${results.failures} failure(s) (exit ${code})`);
      if (!results.tests.some((t) => t.state === 'passed')) throw new Error('the suite ran no tests');
      const count = (st) => results.tests.filter((t) => t.state === st).length;
      log(`${pass}: ${count('passed')} passed, ${count('pending')} pending`);
    })()]);
  } catch (e) {
    error = e;
    if (state.page) await state.page.screenshot({ path: join(outDir, 'failure.png') }).catch(() => {});
  } finally {
    overall.cancel();
    leaked = await cleanup();
  }
  log(`${pass}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (leaked.length) {
    const msg = `processes outlived the ${pass} pass and were killed: ${leaked.join('; ')}`;
    if (!error) error = new Error(msg); else console.error(msg);
  }
  if (error) throw error;
}

preflight();
let failed = false;
for (const pass of PASSES) {
  try {
    await runPass(pass);
  } catch (e) {
    failed = true;
    console.error(`\n[e2e:code-server] ${pass} pass FAILED: ${e?.stack ?? e}\n`);
  }
}
process.exit(failed ? 1 : 0);
