/**
 * Entry point of the e2e suite inside a VS Code extension host, following @vscode/test-electron's `run()`
 * contract (also used by the code-server runner through the URL payload). Runs every `*.test.js` next to
 * this file with mocha and writes a JSON summary to $MISP_GUARD_E2E_RESULTS, so that a runner can tell
 * "no tests ran" from "all passed".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { serverReady } from './helpers';

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export function run(): Promise<void> {
  // Every test needs a running language server: check it once, before all of them.
  const rootHooks = { beforeAll: () => serverReady() };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', rootHooks });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  const tests: TestResult[] = [];
  const resultsFile = process.env.MISP_GUARD_E2E_RESULTS;
  const write = (failures: number): void => {
    if (!resultsFile) return;
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, JSON.stringify({ failures, tests }, null, 2));
  };

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      write(failures);
      if (failures > 0) reject(new Error(`${failures} e2e test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err: Error) => {
      tests.push({ title: t.fullTitle(), state: 'failed', error: `${err.message}\n${err.stack ?? ''}`.trim() });
    });
  });
}
