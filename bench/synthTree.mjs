// A synthetic workspace for the scan benchmark: about N files and M bytes of mixed languages and
// configs (Python, JS/TS, Go, Java, shell, YAML CI/compose/Kubernetes, JSON, lockfiles, .env, ini,
// TOML, XML, Markdown, notebooks, a minified bundle, CSV and logs) with planted MISP keys and
// TLS-off settings, plus what a real tree has around it: a .gitignore'd build directory and
// node_modules, binary files, a .git directory. Deterministic: seeded random.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** mulberry32: a small seeded PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Generators of realistic text, one PRNG per tree. */
export function textKit(seed) {
  const r = rng(seed);
  const int = (n) => Math.floor(r() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chars = (alphabet, n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[int(alphabet.length)];
    return s;
  };
  /** A key-shaped value with upper, lower and digits, never a placeholder. */
  const key = () => `K${chars(ALNUM, 37)}q7`;
  const hex = (n) => chars('0123456789abcdef', n);
  const b64 = (n) => chars(`${ALNUM}+/`, n);
  const WORDS = ['event', 'attribute', 'sighting', 'feed', 'galaxy', 'tag', 'org', 'object', 'report', 'indicator', 'cache',
    'batch', 'user', 'session', 'order', 'invoice', 'metric', 'widget', 'profile', 'queue', 'job', 'token', 'record', 'page'];
  const word = () => pick(WORDS);
  const Word = () => { const w = word(); return w[0].toUpperCase() + w.slice(1); };
  const ident = () => `${word()}_${pick(['count', 'ids', 'list', 'map', 'value', 'state', 'limit', 'since', 'items', 'total'])}`;
  const camel = () => `${word()}${Word()}${pick(['', 'Id', 'List', 'Count', 'Map'])}`;
  const host = () => pick(['misp.example.org', 'api.example.com', 'cache.local', 'db.internal', 'metrics.example.net', 'auth.example.com']);
  const sentence = () => {
    const n = 6 + int(14);
    const ws = [];
    for (let i = 0; i < n; i++) ws.push(pick(['the', 'a', 'of', 'and', 'to', 'in', 'for', 'with', 'is', 'on', 'when', 'from', word(), word(), word(), 'returns', 'updates', 'stores', 'value', 'request', 'response', 'server', 'client']));
    const s = ws.join(' ');
    return `${s[0].toUpperCase()}${s.slice(1)}.`;
  };
  return { r, int, pick, key, hex, b64, word, Word, ident, camel, host, sentence };
}

/** Fills lines from `block()` until `size` characters; returns the text. */
function fill(size, header, block) {
  const out = [header];
  let n = header.length;
  while (n < size) {
    const b = block();
    out.push(b);
    n += b.length + 1;
  }
  return `${out.join('\n')}\n`;
}

/** One generator per file kind: (kit, size, planted) → text. `planted` adds a key or TLS-off setting. */
const KINDS = {
  py(g, size, planted) {
    const header = `"""${g.sentence()}"""\nimport logging\nimport os\nfrom typing import Any, Dict, List\n\nlogger = logging.getLogger(__name__)\n`;
    let plantedDone = !planted;
    return fill(size, header, () => {
      if (!plantedDone && g.r() < 0.3) {
        plantedDone = true;
        return g.r() < 0.5
          ? `from pymisp import PyMISP\nMISP_URL = "https://${g.host()}"\nMISP_KEY = "${g.key()}"\nmisp = PyMISP(MISP_URL, MISP_KEY, ssl=False)\n`
          : `misp_key = "${g.key()}"\n`;
      }
      const f = `${g.pick(['load', 'sync', 'filter', 'export', 'merge', 'build', 'parse'])}_${g.word()}s`;
      if (g.r() < 0.1) return `from pymisp import PyMISP\nmisp = PyMISP(os.environ["MISP_URL"], os.environ["MISP_KEY"], ssl=True)\n`;
      return [
        `def ${f}(${g.ident()}: List[Dict[str, Any]], ${g.ident()}: int = ${g.int(500)}) -> List[Dict[str, Any]]:`,
        `    """${g.sentence()}"""`,
        '    result = []',
        `    for item in ${g.ident()} or []:`,
        `        if item.get("${g.word()}") and len(result) < ${g.int(1000)}:  # ${g.sentence()}`,
        `            result.append({"id": item["id"], "${g.word()}": item.get("${g.word()}", "").strip()})`,
        `    logger.debug("%s: %d ${g.word()}s", "${f}", len(result))`,
        '    return result',
        '',
      ].join('\n');
    });
  },
  js(g, size, planted) {
    const header = `'use strict';\nconst https = require('node:https');\nconst { ${g.camel()} } = require('./${g.word()}');\n`;
    let plantedDone = !planted;
    return fill(size, header, () => {
      if (!plantedDone && g.r() < 0.3) {
        plantedDone = true;
        return `const res = await fetch('https://${g.host()}/attributes/restSearch', {\n  headers: { Authorization: '${g.key()}', Accept: 'application/json' },\n  agent: new https.Agent({ rejectUnauthorized: false }),\n});\n`;
      }
      const fn = g.camel();
      return [
        `/** ${g.sentence()} */`,
        `async function ${fn}(${g.camel()}, options = {}) {`,
        `  const ${g.camel()} = await db.${g.word()}s.find({ ${g.word()}: options.${g.camel()} ?? ${g.int(99)} });`,
        `  if (!${g.camel()}) throw new Error('${g.sentence()}');`,
        `  return ${g.camel()}.map((x) => ({ id: x.id, ${g.word()}: x.${g.camel()}, rev: '${g.hex(12)}' }));`,
        '}',
        `module.exports.${fn} = ${fn};`,
        '',
      ].join('\n');
    });
  },
  ts(g, size, planted) {
    const header = `import { Injectable } from '@angular/core';\nimport type { ${g.Word()} } from './${g.word()}';\n`;
    let plantedDone = !planted;
    return fill(size, header, () => {
      if (!plantedDone && g.r() < 0.3) {
        plantedDone = true;
        return `export const mispConfig = { url: 'https://${g.host()}', mispKey: '${g.key()}' };\n`;
      }
      const cls = `${g.Word()}${g.Word()}Service`;
      return [
        `/** ${g.sentence()} */`,
        '@Injectable()',
        `export class ${cls} {`,
        `  private readonly ${g.camel()} = new Map<string, ${g.Word()}>();`,
        `  constructor(private readonly http: HttpClient) {}`,
        `  async ${g.camel()}(id: string, limit = ${g.int(100)}): Promise<${g.Word()}[]> {`,
        `    const url = \`https://${g.host()}/api/${g.word()}s/\${id}?limit=\${limit}\`;`,
        `    return (await this.http.get<${g.Word()}[]>(url)).filter((x) => x.${g.camel()} !== undefined);`,
        '  }',
        '}',
        '',
      ].join('\n');
    });
  },
  go(g, size, planted) {
    const header = `package ${g.word()}\n\nimport (\n\t"context"\n\t"crypto/tls"\n\t"net/http"\n)\n`;
    let plantedDone = !planted;
    return fill(size, header, () => {
      if (!plantedDone && g.r() < 0.3) {
        plantedDone = true;
        return `const mispURL = "https://${g.host()}"\nvar client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}\n`;
      }
      return [
        `// ${g.Word()}${g.Word()} ${g.sentence()}`,
        `func ${g.Word()}${g.Word()}(ctx context.Context, ${g.camel()} []string) (map[string]int, error) {`,
        '\tout := make(map[string]int)',
        `\tfor i, v := range ${g.camel()} {`,
        `\t\tif len(v) > ${g.int(64)} {`,
        `\t\t\tout[v] = i + ${g.int(10)}`,
        '\t\t}',
        '\t}',
        '\treturn out, nil',
        '}',
        '',
      ].join('\n');
    });
  },
  java(g, size) {
    const header = `package org.example.${g.word()};\n\nimport java.util.List;\nimport java.util.Map;\n\npublic final class ${g.Word()}${g.Word()} {\n`;
    return `${fill(size - 2, header, () => [
      `    /** ${g.sentence()} */`,
      `    public List<String> ${g.camel()}(Map<String, Integer> ${g.camel()}, int limit) {`,
      `        return ${g.camel()}.entrySet().stream().filter(e -> e.getValue() > ${g.int(100)}).map(Map.Entry::getKey).limit(limit).toList();`,
      '    }',
      '',
    ].join('\n'))}}\n`;
  },
  sh(g, size, planted) {
    const header = '#!/usr/bin/env bash\nset -euo pipefail\n';
    let plantedDone = !planted;
    return fill(size, header, () => {
      if (!plantedDone) {
        plantedDone = true;
        return `curl -sk -H "Authorization: ${g.key()}" https://${g.host()}/events/index\n`;
      }
      return `# ${g.sentence()}\n${g.word()}_dir="\${HOME}/${g.word()}s"\nmkdir -p "$${g.word()}_dir" && cp -r ./${g.word()} "$${g.word()}_dir/" || echo "${g.sentence()}"\n`;
    });
  },
  yml(g, size, planted) {
    const header = `name: ${g.word()}-ci\non:\n  push:\n    branches: [main]\njobs:\n`;
    let plantedDone = !planted;
    let n = 0;
    return fill(size, header, () => {
      n++;
      if (!plantedDone && g.r() < 0.4) {
        plantedDone = true;
        return `  sync${n}:\n    runs-on: ubuntu-latest\n    env:\n      MISP_URL: https://${g.host()}\n      MISP_KEY: ${g.key()}\n    steps:\n      - run: python sync.py\n`;
      }
      return [
        `  ${g.word()}${n}:`,
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${g.hex(40)}`,
        `      - uses: actions/setup-node@${g.hex(40)}`,
        `        with: { node-version: "${18 + g.int(5)}" }`,
        `      - run: npm ci && npm run ${g.word()} -- --since=${g.int(30)}d`,
        '        env:',
        '          MISP_KEY: ${{ secrets.MISP_KEY }}',
        '',
      ].join('\n');
    });
  },
  compose(g, size, planted) {
    const header = 'services:\n';
    let plantedDone = !planted;
    let n = 0;
    return fill(size, header, () => {
      n++;
      const key = !plantedDone && g.r() < 0.5 ? g.key() : '${MISP_KEY}';
      if (key !== '${MISP_KEY}') plantedDone = true;
      return `  ${g.word()}${n}:\n    image: registry.example.com/${g.word()}:${g.int(9)}.${g.int(20)}\n    environment:\n      - MISP_URL=https://${g.host()}\n      - MISP_KEY=${key}\n    ports: ["${8000 + g.int(999)}:8080"]\n`;
    });
  },
  k8s(g, size) {
    return fill(size, '', () => [
      'apiVersion: apps/v1',
      'kind: Deployment',
      `metadata: { name: ${g.word()}-${g.word()}, labels: { app: ${g.word()} } }`,
      'spec:',
      `  replicas: ${1 + g.int(5)}`,
      '  template:',
      '    spec:',
      '      containers:',
      `        - name: ${g.word()}`,
      `          image: registry.example.com/${g.word()}@sha256:${g.hex(64)}`,
      '          env:',
      `            - { name: ${g.word().toUpperCase()}_LIMIT, value: "${g.int(1000)}" }`,
      '---',
    ].join('\n'));
  },
  json(g, size, planted) {
    const items = [];
    let n = 2;
    let plantedDone = !planted;
    while (n < size) {
      const item = plantedDone || g.r() > 0.2
        ? `  {"id": ${g.int(1e6)}, "uuid": "${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}", "${g.word()}": "${g.sentence()}", "sha1": "${g.hex(40)}", "count": ${g.int(999)}}`
        : `  {"misp_url": "https://${g.host()}", "misp_key": "${g.key()}", "verify_ssl": false}`;
      if (item.includes('misp_key')) plantedDone = true;
      items.push(item);
      n += item.length + 2;
    }
    return `[\n${items.join(',\n')}\n]\n`;
  },
  lock(g, size) {
    const entries = [];
    let n = 0;
    while (n < size) {
      const name = `${g.word()}-${g.word()}${g.int(99)}`;
      const e = `    "node_modules/${name}": {\n      "version": "${g.int(9)}.${g.int(20)}.${g.int(20)}",\n      "resolved": "https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz",\n      "integrity": "sha512-${g.b64(86)}=="\n    }`;
      entries.push(e);
      n += e.length + 2;
    }
    return `{\n  "name": "app",\n  "lockfileVersion": 3,\n  "packages": {\n${entries.join(',\n')}\n  }\n}\n`;
  },
  env(g, size, planted) {
    const lines = [`MISP_URL=https://${g.host()}`, planted ? `MISP_KEY=${g.key()}` : 'MISP_KEY=changeme'];
    while (lines.join('\n').length < size) lines.push(`${g.word().toUpperCase()}_${g.word().toUpperCase()}=${g.int(2) ? g.int(1e5) : g.word()}`);
    return `${lines.join('\n')}\n`;
  },
  ini(g, size, planted) {
    let plantedDone = !planted;
    return fill(size, '', () => {
      if (!plantedDone) { plantedDone = true; return `[misp]\nurl = https://${g.host()}\nkey = ${g.key()}\nverifycert = False\n`; }
      return `[${g.word()}]\n${g.word()}_limit = ${g.int(100)}\n${g.word()}_path = /var/lib/${g.word()}\nenabled = ${g.int(2) ? 'true' : 'false'}\n`;
    });
  },
  toml(g, size) {
    return fill(size, `[package]\nname = "${g.word()}"\nversion = "0.${g.int(9)}.${g.int(9)}"\n`, () =>
      `\n[[${g.word()}]]\nname = "${g.word()}-${g.word()}"\nlimit = ${g.int(999)}\nchecksum = "${g.hex(40)}"\ntags = ["${g.word()}", "${g.word()}"]`);
  },
  xml(g, size) {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<project>\n${fill(size, '', () =>
      `  <dependency><groupId>org.${g.word()}</groupId><artifactId>${g.word()}-${g.word()}</artifactId><version>${g.int(9)}.${g.int(9)}</version></dependency>`)}</project>\n`;
  },
  md(g, size, planted) {
    let plantedDone = !planted;
    return fill(size, `# ${g.Word()} ${g.word()}s\n`, () => {
      if (!plantedDone && g.r() < 0.3) { plantedDone = true; return `\n\`\`\`sh\ncurl -H "Authorization: ${g.key()}" https://${g.host()}/events/restSearch\n\`\`\`\n`; }
      return `\n## ${g.Word()}\n\n${g.sentence()} ${g.sentence()} ${g.sentence()}\n\n- ${g.sentence()}\n- ${g.sentence()}`;
    });
  },
  ipynb(g, size, planted) {
    const cells = [];
    let n = 0;
    let plantedDone = !planted;
    while (n < size) {
      let c;
      if (!plantedDone && g.r() < 0.3) {
        plantedDone = true;
        c = `{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["{'Authorization': '${g.key()}', 'Accept': 'application/json'}\\n"]}], "source": ["from pymisp import PyMISP\\n", "print(misp.headers)"]}`;
      } else {
        c = `{"cell_type": "code", "execution_count": ${g.int(99)}, "metadata": {}, "outputs": [], "source": ["df = pd.read_csv('${g.word()}.csv')\\n", "df.${g.word()}.value_counts().head(${g.int(20)})"]}`;
      }
      cells.push(c);
      n += c.length;
    }
    return `{"cells": [${cells.join(',\n')}], "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}\n`;
  },
  minjs(g, size) {
    const parts = [];
    let n = 0;
    while (n < size) {
      const p = g.r() < 0.3 ? `var ${g.word()}${g.int(999)}="${g.b64(60)}";` : `function ${g.word()}${g.int(999)}(t,n){return t.filter(function(e){return e.${g.word()}>n&&e.id!==${g.int(1e6)}})}`;
      parts.push(p);
      n += p.length;
    }
    return parts.join('');
  },
  csv(g, size) {
    return fill(size, 'timestamp,ip,domain,sha1,count', () => `2024-0${1 + g.int(9)}-1${g.int(9)}T1${g.int(9)}:00:00Z,10.${g.int(255)}.${g.int(255)}.${g.int(255)},${g.word()}.example.com,${g.hex(40)},${g.int(999)}`);
  },
  log(g, size) {
    return fill(size, '', () => `2024-05-1${g.int(9)} 1${g.int(9)}:2${g.int(9)}:0${g.int(9)} INFO [${g.word()}-worker-${g.int(8)}] ${g.sentence()} id=${g.hex(16)} took=${g.int(900)}ms`);
  },
};

/** File kinds with their name, share of files, size range in bytes, and share of files with a planted finding. */
const MIX = [
  { kind: 'py', ext: 'py', share: 16, min: 2000, max: 24000, plant: 0.02 },
  { kind: 'js', ext: 'js', share: 13, min: 1500, max: 20000, plant: 0.01 },
  { kind: 'ts', ext: 'ts', share: 13, min: 1500, max: 20000, plant: 0.01 },
  { kind: 'go', ext: 'go', share: 7, min: 2000, max: 24000, plant: 0.01 },
  { kind: 'java', ext: 'java', share: 7, min: 2000, max: 24000, plant: 0 },
  { kind: 'sh', ext: 'sh', share: 3, min: 400, max: 4000, plant: 0.02 },
  { kind: 'yml', ext: 'yml', share: 7, min: 800, max: 8000, plant: 0.02 },
  { kind: 'compose', ext: 'docker-compose.yml', share: 2, min: 400, max: 3000, plant: 0.05 },
  { kind: 'k8s', ext: 'yaml', share: 5, min: 800, max: 8000, plant: 0 },
  { kind: 'json', ext: 'json', share: 8, min: 1000, max: 30000, plant: 0.01 },
  { kind: 'env', ext: 'env', share: 1, min: 100, max: 1500, plant: 0.05 },
  { kind: 'ini', ext: 'ini', share: 2, min: 200, max: 3000, plant: 0.03 },
  { kind: 'toml', ext: 'toml', share: 2, min: 300, max: 4000, plant: 0 },
  { kind: 'xml', ext: 'xml', share: 3, min: 1000, max: 12000, plant: 0 },
  { kind: 'md', ext: 'md', share: 8, min: 500, max: 12000, plant: 0.01 },
  { kind: 'ipynb', ext: 'ipynb', share: 1, min: 3000, max: 40000, plant: 0.1 },
  { kind: 'csv', ext: 'csv', share: 1, min: 5000, max: 60000, plant: 0 },
  { kind: 'log', ext: 'log.txt', share: 1, min: 5000, max: 60000, plant: 0 },
];

/** A few big files, like real trees have (lockfiles, data, bundles). */
const BIG = [
  { kind: 'lock', name: 'package-lock.json', size: 3_000_000 },
  { kind: 'minjs', name: 'public/vendor.min.js', size: 1_500_000 },
  { kind: 'json', name: 'data/feeds.json', size: 4_000_000 },
  { kind: 'csv', name: 'data/sightings.csv', size: 4_000_000 },
];

/**
 * Writes the tree under `root`. Returns { files, bytes, planted } for the files a scanner should
 * read (not the ignored, binary or .git ones, which are counted separately).
 */
export function buildTree(root, { files = 20_000, bytes = 200 * 1024 * 1024, seed = 42 } = {}) {
  const g = textKit(seed);
  const write = (rel, content) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return Buffer.byteLength(content);
  };
  const stats = { files: 0, bytes: 0, planted: 0, ignored: 0, binary: 0 };
  const add = (rel, content) => { stats.files++; stats.bytes += write(rel, content); };
  write('.gitignore', 'node_modules/\nbuild/\n*.log\n!keep.log\n');
  // Big files scale with the tree, so a small tree keeps the same mix.
  for (const b of BIG) add(b.name, KINDS[b.kind](g, Math.round(b.size * (bytes / (200 * 1024 * 1024))), false));
  const bigBytes = stats.bytes;
  const totalShare = MIX.reduce((n, m) => n + m.share, 0);
  const avgBudget = (bytes - bigBytes) / files;
  const meanSize = MIX.reduce((n, m) => n + (m.share / totalShare) * ((m.min + m.max) / 2), 0);
  const scale = avgBudget / meanSize;
  const dirs = [];
  for (let i = 0; i < 400; i++) {
    const depth = 1 + g.int(4);
    dirs.push(Array.from({ length: depth }, () => `${g.word()}${g.int(20)}`).join('/'));
  }
  for (let i = stats.files; i < files; i++) {
    let roll = g.int(totalShare);
    const m = MIX.find((x) => (roll -= x.share) < 0);
    const size = Math.round((m.min + g.r() * (m.max - m.min)) * scale);
    const planted = g.r() < m.plant;
    if (planted) stats.planted++;
    const name = m.kind === 'compose' ? `${dirs[i % dirs.length]}/${i}-docker-compose.yml` : m.kind === 'env' ? `${dirs[i % dirs.length]}/.env.${i}` : `${dirs[i % dirs.length]}/${g.word()}_${i}.${m.ext}`;
    add(name, KINDS[m.kind](g, size, planted));
  }
  // Around the tree: never read by the scanners under test (or skipped as binary).
  for (let i = 0; i < 300; i++) { write(`node_modules/pkg${i}/index.js`, KINDS.js(g, 4000, false)); stats.ignored++; }
  for (let i = 0; i < 100; i++) { write(`build/out${i}.js`, KINDS.js(g, 8000, false)); stats.ignored++; }
  for (let i = 0; i < 50; i++) { write(`assets/img${i}.png`, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), Buffer.alloc(20000, i)])); stats.binary++; }
  write('.git/HEAD', 'ref: refs/heads/main\n');
  write('.git/config', '[core]\n\trepositoryformatversion = 0\n');
  return stats;
}
