// A generated git history for the history-scan benchmark: N commits (one `git fast-import`
// stream, so building 5,000 commits takes seconds) over a few hundred files of mixed languages.
// Every 250th commit adds a MISP key to a Python module and the next commit removes it again;
// the last commit adds keys that stay. Deterministic: seeded random.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { textKit } from './synthTree.mjs';

/** Builds the repository in `dir`; returns { commits, files, removedKeys, keptKeys }. */
export function buildHistoryRepo(dir, { commits = 5000, seed = 3, files = 300 } = {}) {
  mkdirSync(dir, { recursive: true });
  const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  const g = textKit(seed);
  const exts = ['py', 'js', 'yml', 'go', 'md'];
  const tree = [];
  for (let i = 0; i < files; i++) {
    const ext = exts[i % exts.length];
    const lines = [];
    for (let n = 0; n < 40 + g.int(60); n++) lines.push(line(g, ext));
    tree.push({ path: `${g.word()}${i % 17}/${g.word()}_${i}.${ext}`, ext, lines });
  }
  const chunks = [];
  const blob = (content) => `data ${Buffer.byteLength(content)}\n${content}\n`;
  let time = 1_700_000_000;
  let removedKeys = 0;
  let keptKeys = 0;
  let pendingRemoval;
  const pythonFiles = tree.filter((f) => f.ext === 'py');
  for (let c = 1; c <= commits; c++) {
    const changes = [];
    if (c === 1) changes.push(...tree);
    else if (pendingRemoval) {
      pendingRemoval.lines.pop();
      changes.push(pendingRemoval);
      pendingRemoval = undefined;
    } else if (c % 250 === 0 || c === commits) {
      const f = pythonFiles[g.int(pythonFiles.length)];
      f.lines.push(`MISP_KEY = "${g.key()}"  # from pymisp import PyMISP`);
      changes.push(f);
      if (c === commits) keptKeys++;
      else { removedKeys++; pendingRemoval = f; }
    } else {
      for (let k = 0; k < 1 + g.int(3); k++) {
        const f = tree[g.int(tree.length)];
        f.lines[g.int(f.lines.length)] = line(g, f.ext);
        changes.push(f);
      }
    }
    time += 60 + g.int(3600);
    const msg = `change ${c}`;
    chunks.push(`commit refs/heads/main\nmark :${c}\ncommitter Dev <dev@example.org> ${time} +0000\n${blob(msg)}`);
    if (c > 1) chunks.push(`from :${c - 1}\n`);
    for (const f of new Set(changes)) chunks.push(`M 100644 inline ${f.path}\n${blob(`${f.lines.join('\n')}\n`)}`);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: chunks.join(''), maxBuffer: 64 * 1024 * 1024 });
  git('reset', '-q', '--hard', 'main');
  return { commits, files, removedKeys, keptKeys };
}

function line(g, ext) {
  switch (ext) {
    case 'py': return `    ${g.ident()} = [x for x in ${g.ident()} if x.get("${g.word()}")]  # ${g.sentence()}`;
    case 'js': return `  const ${g.camel()} = await ${g.camel()}(${g.int(100)}, '${g.word()}');`;
    case 'yml': return `  ${g.word()}_${g.int(99)}: "${g.sentence()}"`;
    case 'go': return `\t${g.camel()} := ${g.camel()}(ctx, ${g.int(1000)}) // ${g.sentence()}`;
    default: return `${g.sentence()} ${g.sentence()}`;
  }
}
