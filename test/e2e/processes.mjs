// Process bookkeeping for the e2e runners: every process a run starts carries the run's private temp dir in
// its environment (HOME, TMPDIR), so after stopping the process group we can find and kill anything that
// escaped it (setsid'd browsers, reparented extension hosts or language servers) and report it as a leak.
import { readdirSync, readFileSync } from 'node:fs';

/** Processes (other than this one) whose command line or environment mentions `marker`. Linux /proc only. */
export function ownedProcesses(marker) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      let environ = '';
      try { environ = readFileSync(`/proc/${name}/environ`, 'utf8'); } catch { /* not ours to read */ }
      if (cmdline.includes(marker) || environ.includes(marker)) {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        if (state !== 'Z') found.push({ pid: Number(name), cmd: cmdline.split('\0').join(' ').trim().slice(0, 160) });
      }
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** True while a live (non-zombie) process is in group `pgid`; zombies wait for a reaper we do not control. */
function groupAlive(pgid) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}

const signalGroup = (pgid, sig) => { try { process.kill(-pgid, sig); } catch { /* already gone */ } };

async function waitUntil(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/**
 * Stops process group `pgid` (SIGTERM, then SIGKILL after 5 s), then kills whatever still mentions `marker`.
 * Returns a description of each process that had to be killed that way: a leak the caller should report.
 */
export async function stopProcesses(pgid, marker) {
  if (pgid) {
    signalGroup(pgid, 'SIGTERM');
    if (!(await waitUntil(() => !groupAlive(pgid), 5000))) signalGroup(pgid, 'SIGKILL');
    await waitUntil(() => !groupAlive(pgid), 2000);
  }
  // Give processes that watch their parent (language servers poll every few seconds) a moment to go.
  await waitUntil(() => ownedProcesses(marker).length === 0, 4000);
  const left = ownedProcesses(marker);
  for (const p of left) { try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ } }
  return left.map((p) => `${p.pid} ${p.cmd}`);
}
