/**
 * Fix plans for program source beyond the corpus: every language the issue names, embedded and split
 * literals, imports placed once, constants, notebooks. Exact outputs where the form matters (README).
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/core';
import { planFixes, secretValue } from '../../server/src/core/fixes';
import { describeFile, fixed } from './fixesCheck';
import { fakeKey } from './helpers';

const K = fakeKey(101);
const K2 = fakeKey(102);
const K3 = fakeKey(103);

/** Plan ids offered for the first key finding. */
function ids(path: string, text: string): string[] {
  const f = analyzeText(text, { path }).findings.find((x) => x.fix.type === 'key');
  assert.ok(f, `no key finding in ${path}`);
  return planFixes(text, f).map((p) => p.id);
}

const CASES: Array<[string, string]> = [
  ['py/docstring.py', `#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Pull events from MISP."""\nfrom __future__ import annotations\n\nfrom pymisp import PyMISP\n\nMISP_KEY = "${K}"\nmisp = PyMISP("https://misp.example.org", MISP_KEY, ssl=False)\n`],
  ['py/header.py', `import requests\nAUTH = "Authorization: ${K}"\nMISP_TPL_KEY = "{0}:${K2}"\nrequests.get("https://misp.example.org/events/index", headers={"Authorization": "${K3}"[:40]})\n`],
  ['py/fstring.py', `import requests\nmisp_prefix = "x"\nhdr = {"Authorization": f"{misp_prefix}${K}"}\nrequests.post("https://misp.example.org/attributes/restSearch", headers=hdr)\n`],
  ['py/bytes.py', `import pymisp\nmisp_key = b"${K}"\nraw_key = r'${K2}'\n`],
  ['py/split.py', `import pymisp\nMISP_KEY = ("${K.slice(0, 22)}"\n            "${K.slice(22)}")\n`],
  ['py/implicit.py', `import pymisp\nMISP_KEY = ("${K.slice(0, 20)}"\n    "${K.slice(20)}" "")\n`],
  ['py/comment.py', `import os\nimport pymisp\n# misp_key = '${K}'\nmisp_key = os.environ['MISP_KEY']\n`],
  ['py/triple.py', `import pymisp\nCONFIG = """\n[misp]\nurl = https://misp.example.org\nkey = ${K}\n"""\n`],
  ['py/emoji.py', `import pymisp\nnote = "🔑 clé"; misp_key = "${K}"  # 🚀\n`],
  ['js/plain.js', `// MISP lookup\nconst mispKey = '${K}';\nfetch('https://misp.example.org/events/index', { headers: { Authorization: mispKey } });\n`],
  ['js/split.js', `// misp client\nconst mispKey = '${K.slice(0, 10)}' +\n  '${K.slice(10)}';\n`],
  ['js/template.js', `const base = 'https://misp.example.org';\nasync function pull() {\n  return fetch(\`\${base}/events/restSearch\`, { headers: { Authorization: \`${K}\` } });\n}\n`],
  ['js/header.mjs', `import fetch from 'node-fetch';\nconst headers = { 'Authorization': "Token ${K}", 'X-Misp': 'misp' };\nawait fetch('https://misp.example.org/events/index', { headers });\n`],
  ['js/cjs.js', `const misp = require('misp');\nfunction client() {\n  return misp.connect({ url: 'https://misp.example.org', mispKey: '${K}' });\n}\nmodule.exports = client;\n`],
  ['js/App.jsx', `// MISP dashboard\nexport function App() {\n  return <MispPanel mispKey="${K}" url="https://misp.example.org" />;\n}\n`],
  ['ts/Panel.tsx', `// MISP panel\nexport const Panel = () => <MispView apiKey="${K}" />;\n`],
  ['ts/client.ts', `const mispApiKey: string = "${K}";\nexport const headers = { Authorization: mispApiKey };\n`],
  ['go/plain.go', `package misp\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nconst mispKey = "${K}"\n\nfunc f(req *http.Request) {\n\treq.Header.Set("Authorization", mispKey)\n\tfmt.Println("misp")\n}\n`],
  ['go/header.go', `package misp\n\nimport "net/http"\n\nfunc f(req *http.Request) {\n\treq.Header.Set("Authorization", "Token ${K}")\n}\n`],
  ['go/constblock.go', `package misp\n\nconst (\n\tmispURL = "https://misp.example.org"\n\tmispKey = "${K}"\n)\n`],
  ['go/noimports.go', `package misp\n\nvar MispAPIKey = "${K}"\n`],
  ['java/Client.java', `package x;\n\npublic class Client {\n    static final String MISP_URL = "https://misp.example.org";\n    void call(java.net.HttpURLConnection con) {\n        con.setRequestProperty("Authorization", "Bearer ${K}");\n    }\n}\n`],
  ['cs/Sync.cs', `namespace X\n{\n    // MISP sync\n    public static class Sync\n    {\n        private const string MispKey = "${K}";\n        public static void Go(System.Net.Http.HttpClient client)\n        {\n            client.DefaultRequestHeaders.Add("Authorization", MispKey);\n        }\n    }\n}\n`],
  ['rb/setup.rb', `# frozen_string_literal: true\nrequire "misp"\nMISP.configure do |config|\n  config.api_key = "${K}"\n  config.auth_header = 'Token ${K2}'\nend\n`],
  ['php/conf.php', `<?php\ndefine('MISP_KEY', '${K}');\nconst MISP_AUTH_KEY = '${K2}';\n`],
  ['php/header.php', `<?php\n// MISP push\n$headers = ["Authorization: ${K}", 'Accept: application/json'];\n`],
  ['ps/pull.ps1', `$MispKey = "${K}"\n$MispToken = 'Token ${K2}'\nInvoke-RestMethod -Uri "https://misp.example.org/events/index" -Headers @{ Authorization = $MispKey }\n`],
  ['sh/export.sh', `#!/bin/sh\nexport MISP_KEY=${K}\ncurl -H 'Authorization: ${K2}' https://misp.example.org/events/index\n`],
  ['sh/url.sh', `#!/bin/bash\nwget -O rules https://misp.example.org/events/nids/suricata/download/${K}\n`],
  ['sh/heredoc.sh', `#!/bin/bash\ncat > /etc/misp.conf <<EOF\n[misp]\nurl = https://misp.example.org\nkey = ${K}\nEOF\n`],
  ['py/fallback.py', `import os, pymisp\nmisp_key = os.getenv("MISP_API_KEY", "${K}")\n`],
  ['js/fallback.js', `// misp\nconst apiKey = process.env.MISP_KEY || '${K}';\n`],
  ['rb/fallback.rb', `# misp\nmisp_key = ENV.fetch("MISP_KEY", "${K}")\n`],
  ['sh/fallback.sh', `#!/bin/sh\n# misp pull\nMISP_KEY="\${MISP_KEY:-${K}}"\n`],
];

/** The source text of a case, by path. */
const src = (path: string): string => CASES.find((c) => c[0] === path)![1];

describe('fix plans: program source', () => {
  for (const [path, text] of CASES) describe(path, () => describeFile(path, text, { keys: [K, K2, K3] }));
});

describe('fix plans: exact forms', () => {
  it('Python: import os after the docstring and __future__ imports, in the import block', () => {
    const out = fixed('d.py', src('py/docstring.py'), 'env');
    assert.equal(out, `#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Pull events from MISP."""\nfrom __future__ import annotations\n\nimport os\nfrom pymisp import PyMISP\n\nMISP_KEY = os.environ["MISP_KEY"]\nmisp = PyMISP("https://misp.example.org", MISP_KEY, ssl=False)\n`);
  });
  it('Python: a blank line after import os when code follows', () => {
    const t = `#!/usr/bin/env python3\n# settings\n\nmisp_url = 'https://misp.example.org/'\nmisp_key = '${K}'\n`;
    assert.equal(fixed('keys.py', t, 'env'), `#!/usr/bin/env python3\n# settings\n\nimport os\n\nmisp_url = 'https://misp.example.org/'\nmisp_key = os.environ['MISP_KEY']\n`);
  });
  it('Python: embedded keys become f-strings, braces escaped; bytes and raw prefixes handled', () => {
    const t = src('py/header.py');
    assert.match(fixed('h.py', t, 'env', 0), /^import os\nimport requests\nAUTH = f"Authorization: \{os\.environ\['MISP_KEY'\]\}"\n/);
    assert.match(fixed('h.py', t, 'env', 1), /MISP_TPL_KEY = f"\{\{0\}\}:\{os\.environ\['MISP_TPL_KEY'\]\}"/);
    // A second, different key under the same header name gets a variable of its own.
    assert.match(fixed('h.py', t, 'env', 2), /headers=\{"Authorization": os\.environ\["MISP_KEY_2"\]\[:40\]\}/);
    assert.match(fixed('f.py', src('py/fstring.py'), 'env'), /"Authorization": f"\{misp_prefix\}\{os\.environ\['MISP_KEY'\]\}"/);
    assert.match(fixed('b.py', src('py/bytes.py'), 'env', 0), /misp_key = os\.environ\["MISP_KEY"\]\.encode\(\)\n/);
    assert.match(fixed('b.py', src('py/bytes.py'), 'env', 1), /raw_key = os\.environ\['MISP_KEY'\]\n/);
  });
  it('Python: a split literal is replaced whole; an implicitly concatenated one stays a string', () => {
    assert.match(fixed('s.py', src('py/split.py'), 'env'), /MISP_KEY = \(os\.environ\["MISP_KEY"\]\)\n$/);
    assert.match(fixed('i.py', src('py/implicit.py'), 'env', 0), /MISP_KEY = \(f"\{os\.environ\['MISP_KEY'\]\}" ""\)\n/);
  });
  it('Python: commented-out code names the variable, and imports nothing', () => {
    assert.equal(fixed('c.py', src('py/comment.py'), 'env'), `import os\nimport pymisp\n# misp_key = os.environ['MISP_KEY']\nmisp_key = os.environ['MISP_KEY']\n`);
  });
  it('Python: a line with an emoji before the key', () => {
    assert.equal(fixed('e.py', src('py/emoji.py'), 'env'), `import os\nimport pymisp\nnote = "🔑 clé"; misp_key = os.environ["MISP_KEY"]  # 🚀\n`);
    assert.match(fixed('e.py', src('py/emoji.py'), 'suppress'), /misp_key = "[A-Za-z0-9]{40}"  # 🚀  # misp-guard-ignore: hardcoded-key\n$/);
  });
  it('Python: hvac read for Vault, with both imports once', () => {
    const out = fixed('d.py', src('py/docstring.py'), 'vault', undefined, { vault: { mount: 'kv', path: 'cti/misp', field: 'key' } });
    assert.match(out, /\nimport hvac\nimport os\nfrom pymisp import PyMISP\n/);
    assert.match(out, /MISP_KEY = hvac\.Client\(url=os\.environ\["VAULT_ADDR"\], token=os\.environ\["VAULT_TOKEN"\]\)\.secrets\.kv\.v2\.read_secret_version\(mount_point="kv", path="cti\/misp"\)\["data"\]\["data"\]\["key"\]\n/);
  });
  it('Python: two keys fixed one after the other import os once; an existing import os is kept', () => {
    const t = `"""Doc."""\nimport pymisp\nmisp_key = "${K}"\nmisp_backup_key = "${K2}"\n`;
    const once = fixed('two.py', t, 'env');
    const twice = fixed('two.py', once, 'env');
    assert.equal(twice, `"""Doc."""\nimport os\nimport pymisp\nmisp_key = os.environ["MISP_KEY"]\nmisp_backup_key = os.environ["MISP_KEY"]\n`);
    assert.equal(analyzeText(twice, { path: 'two.py' }).findings.length, 0);
    assert.equal((fixed('c.py', src('py/comment.py'), 'env').match(/^import os$/gm) ?? []).length, 1);
  });
  it('the env variable the file already reads is reused; an explicit setting wins', () => {
    const t = `import os, pymisp\nurl = os.environ["MISP_URL"]\nbackup = os.getenv("MISP_API_KEY")\nmisp_key = "${K}"\n`;
    assert.match(fixed('r.py', t, 'env'), /misp_key = os\.environ\["MISP_API_KEY"\]/);
    assert.match(fixed('r.py', t, 'env', undefined, { envVarName: 'CTI_MISP_TOKEN' }), /misp_key = os\.environ\["CTI_MISP_TOKEN"\]/);
  });
  it('JavaScript/TypeScript: process.env, templates for embedded keys, JSX attribute braces, TS non-null', () => {
    assert.match(fixed('a.js', src('js/plain.js'), 'env'), /const mispKey = process\.env\.MISP_KEY;/);
    assert.match(fixed('s.js', src('js/split.js'), 'env'), /const mispKey = process\.env\.MISP_KEY;\n$/);
    assert.match(fixed('h.mjs', src('js/header.mjs'), 'env'), /'Authorization': `Token \$\{process\.env\.MISP_KEY\}`/);
    assert.match(fixed('App.jsx', src('js/App.jsx'), 'env'), /<MispPanel mispKey=\{process\.env\.MISP_KEY\} url=/);
    assert.match(fixed('Panel.tsx', src('ts/Panel.tsx'), 'env'), /<MispView apiKey=\{process\.env\.MISP_KEY\} \/>/);
    assert.match(fixed('c.ts', src('ts/client.ts'), 'env'), /const mispApiKey: string = process\.env\.MISP_KEY!;/);
  });
  it('JavaScript: the Vault read awaits a helper only where await is allowed', () => {
    assert.deepEqual(ids('cjs.js', src('js/cjs.js')), ['env', 'suppress']);
    const out = fixed('t.js', src('js/template.js'), 'vault');
    assert.match(out, /\{ Authorization: await mispKeyFromVault\(\) \}/);
    assert.match(out, /\nasync function mispKeyFromVault\(\) \{\n {2}const res = await fetch\(`\$\{process\.env\.VAULT_ADDR\}\/v1\/secret\/data\/misp`/);
  });
  it('Go: os.Getenv with "os" imported in order; const becomes var; const blocks move the entry out', () => {
    assert.match(fixed('p.go', src('go/plain.go'), 'env'), /import \(\n\t"fmt"\n\t"net\/http"\n\t"os"\n\)\n\nvar mispKey = os\.Getenv\("MISP_KEY"\)\n/);
    assert.match(fixed('h.go', src('go/header.go'), 'env'), /import "net\/http"\nimport "os"\n[\s\S]*req\.Header\.Set\("Authorization", "Token " \+ os\.Getenv\("MISP_KEY"\)\)/);
    assert.match(fixed('c.go', src('go/constblock.go'), 'env'), /const \(\n\tmispURL = "https:\/\/misp\.example\.org"\n\)\nvar mispKey = os\.Getenv\("MISP_KEY"\)\n$/);
    assert.match(fixed('n.go', src('go/noimports.go'), 'env'), /^package misp\n\nimport "os"\n\nvar MispAPIKey = os\.Getenv\("MISP_KEY"\)\n$/);
    const v = fixed('p.go', src('go/plain.go'), 'vault');
    assert.match(v, /import \(\n\t"encoding\/json"\n\t"fmt"\n\t"net\/http"\n\t"os"\n\)/);
    assert.match(v, /var mispKey = mispKeyFromVault\(\)\n[\s\S]*\nfunc mispKeyFromVault\(\) string \{\n/);
  });
  it('Java, C#: System.getenv / Environment.GetEnvironmentVariable; C# const becomes static readonly', () => {
    assert.match(fixed('Client.java', src('java/Client.java'), 'env'), /con\.setRequestProperty\("Authorization", "Bearer " \+ System\.getenv\("MISP_KEY"\)\);/);
    assert.match(fixed('Client.java', src('java/Client.java'), 'vault'), /"Bearer " \+ mispKeyFromVault\(\)\)[\s\S]*\n {4}private static String mispKeyFromVault\(\) \{\n[\s\S]*\n {4}\}\n\}\n$/);
    assert.match(fixed('Sync.cs', src('cs/Sync.cs'), 'env'), /private static readonly string MispKey = System\.Environment\.GetEnvironmentVariable\("MISP_KEY"\);/);
  });
  it('Ruby, PHP, PowerShell, shell', () => {
    assert.match(fixed('s.rb', src('rb/setup.rb'), 'env', 0), /config\.api_key = ENV\.fetch\("MISP_KEY"\)/);
    assert.match(fixed('s.rb', src('rb/setup.rb'), 'env', 1), /config\.auth_header = 'Token ' \+ ENV\.fetch\('MISP_KEY'\)\n/);
    assert.match(fixed('s.rb', src('rb/setup.rb'), 'vault', 0), /^# frozen_string_literal: true\nrequire "json"\nrequire "net\/http"\nrequire "misp"\n/);
    assert.match(fixed('c.php', src('php/conf.php'), 'env', 0), /define\('MISP_KEY', getenv\('MISP_KEY'\)\);/);
    assert.match(fixed('c.php', src('php/conf.php'), 'env', 1), /define\('MISP_AUTH_KEY', getenv\('MISP_AUTH_KEY'\)\);/);
    assert.match(fixed('h.php', src('php/header.php'), 'env'), /\$headers = \["Authorization: " \. getenv\('MISP_KEY'\), 'Accept: application\/json'\];/);
    assert.match(fixed('p.ps1', src('ps/pull.ps1'), 'env', 0), /^\$MispKey = \$env:MISP_KEY\n/);
    assert.match(fixed('p.ps1', src('ps/pull.ps1'), 'env', 1), /\$MispToken = 'Token ' \+ \$env:MISP_KEY\n/);
    assert.match(fixed('e.sh', src('sh/export.sh'), 'env', 0), /export MISP_KEY="\$MISP_KEY"\n/);
    assert.match(fixed('e.sh', src('sh/export.sh'), 'env', 1), /curl -H 'Authorization: '"\$\{MISP_KEY\}" https/);
    assert.match(fixed('u.sh', src('sh/url.sh'), 'env'), /suricata\/download\/"\$\{MISP_KEY\}"\n/);
    assert.match(fixed('h.sh', src('sh/heredoc.sh'), 'env'), /key = \$\{MISP_KEY\}\nEOF/);
    assert.match(fixed('e.sh', src('sh/export.sh'), 'vault', 1), /curl -H 'Authorization: '"\$\(vault kv get -field=api_key secret\/misp\)" https/);
  });
  it('a key that is the fallback of an environment read: the fallback goes', () => {
    const t = src;
    assert.equal(fixed('f.py', t('py/fallback.py'), 'env'), 'import os, pymisp\nmisp_key = os.getenv("MISP_API_KEY")\n');
    assert.equal(fixed('f.js', t('js/fallback.js'), 'env'), '// misp\nconst apiKey = process.env.MISP_KEY;\n');
    assert.equal(fixed('f.rb', t('rb/fallback.rb'), 'env'), '# misp\nmisp_key = ENV.fetch("MISP_KEY")\n');
    assert.equal(fixed('f.sh', t('sh/fallback.sh'), 'env'), '#!/bin/sh\n# misp pull\nMISP_KEY="${MISP_KEY}"\n');
  });
  it('secretValue joins split fragments', () => {
    const f = analyzeText(src('js/split.js'), { path: 's.js' }).findings[0];
    assert.equal(secretValue(src('js/split.js'), f.fix as never), K);
  });
});

describe('fix plans: notebooks', () => {
  const cell = (lines: string[]) => JSON.stringify(lines);
  const nb = (src: string[], outputs = '[]') => `{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "metadata": {},\n   "source": ["# MISP triage"]\n  },\n  {\n   "cell_type": "code",\n   "execution_count": 1,\n   "metadata": {},\n   "outputs": ${outputs},\n   "source": ${cell(src).replace(/","/g, '",\n    "')}\n  }\n ],\n "metadata": {"kernelspec": {"language": "python", "name": "python3"}},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n`;
  const t = nb(['from pymisp import PyMISP\n', `misp_key = "${K}"\n`, `misp = PyMISP("https://misp.example.org", misp_key, False)`]);
  describe('code cell', () => describeFile('n.ipynb', t, { keys: [K] }));
  it('import os becomes a source line of its own; the reference is JSON-escaped', () => {
    const out = fixed('n.ipynb', t, 'env');
    const parsed = JSON.parse(out) as { cells: Array<{ source: string[] }> };
    assert.deepEqual(parsed.cells[1].source, ['import os\n', 'from pymisp import PyMISP\n', 'misp_key = os.environ["MISP_KEY"]\n', 'misp = PyMISP("https://misp.example.org", misp_key, False)']);
    const again = nb(['import os\n', `misp_key = "${K}"\n`]);
    assert.deepEqual((JSON.parse(fixed('n.ipynb', again, 'env')) as { cells: Array<{ source: string[] }> }).cells[1].source, ['import os\n', 'misp_key = os.environ["MISP_KEY"]\n']);
  });
  it('an earlier cell that imports os counts', () => {
    const two = t.replace('"source": ["# MISP triage"]', '"source": ["# MISP triage"]').replace('"cell_type": "markdown"', '"cell_type": "code", "outputs": [], "execution_count": null').replace('["# MISP triage"]', '["import os"]');
    const out = JSON.parse(fixed('n.ipynb', two, 'env')) as { cells: Array<{ source: string[] }> };
    assert.equal(out.cells[1].source[0], 'from pymisp import PyMISP\n');
  });
  it('suppress goes at the end of the Python line, inside the JSON string', () => {
    const out = JSON.parse(fixed('n.ipynb', t, 'suppress')) as { cells: Array<{ source: string[] }> };
    assert.equal(out.cells[1].source[1], `misp_key = "${K}"  # misp-guard-ignore: hardcoded-key\n`);
  });
});

describe('fix plans: places that take only constants, and languages without a runtime lookup idiom', () => {
  it('Go: a struct tag default is dropped; the field is read from the variable the tag names', () => {
    const t = `package config\n\ntype Config struct {\n\tMispURL string \`envconfig:"MISP_URL"\`\n\tMispKey string \`envconfig:"MISP_KEY" default:"${K}"\`\n}\n`;
    assert.equal(fixed('config.go', t, 'env'), `package config\n\ntype Config struct {\n\tMispURL string \`envconfig:"MISP_URL"\`\n\tMispKey string \`envconfig:"MISP_KEY"\`\n}\n`);
    assert.deepEqual(ids('config.go', t), ['env', 'suppress']);
  });
  it('PHP: no lookup in a class constant, a property default or a parameter default', () => {
    assert.deepEqual(ids('a.php', `<?php\n// MISP\nclass A {\n    private const MISP_AUTH = '${K}';\n}\n`), ['suppress']);
    assert.deepEqual(ids('b.php', `<?php\n// MISP\nclass B {\n    private string $mispKey = '${K}';\n}\n`), ['suppress']);
    assert.deepEqual(ids('c.php', `<?php\n// MISP\nfunction pull(string $mispKey = '${K}') { return $mispKey; }\n`), ['suppress']);
    assert.match(fixed('d.php', `<?php\n// MISP\nfunction pull() {\n    $mispKey = '${K}';\n}\n`, 'env'), /\$mispKey = getenv\('MISP_KEY'\);/);
  });
  it('C#: no lookup in an optional parameter or an attribute argument', () => {
    assert.deepEqual(ids('A.cs', `// MISP\nclass A {\n    void Pull(string mispKey = "${K}") { }\n}\n`), ['suppress']);
    assert.deepEqual(ids('B.cs', `// MISP\nclass B {\n    [MispAuth("${K}")]\n    void Pull() { }\n}\n`), ['suppress']);
  });
  it('C: a #define becomes getenv() with <stdlib.h>; a char array keeps its literal', () => {
    assert.equal(fixed('m.c', `#include <stdio.h>\n\n#define MISP_AUTHKEY "${K}"\n`, 'env'), `#include <stdio.h>\n#include <stdlib.h>\n\n#define MISP_AUTHKEY getenv("MISP_AUTHKEY")\n`);
    assert.deepEqual(ids('n.c', `#include <stdio.h>\n// MISP\nstatic const char misp_key[] = "${K}";\n`), ['suppress']);
  });
  it('C++: std::getenv with <cstdlib>, constexpr dropped', () => {
    const t = `#include <string>\n\nnamespace misp {\nconstexpr const char* kMispKey = "${K}";\n}\n`;
    assert.equal(fixed('m.cpp', t, 'env'), `#include <string>\n#include <cstdlib>\n\nnamespace misp {\nconst char* kMispKey = std::getenv("MISP_KEY");\n}\n`);
  });
  it('Rust: a const or static reads the variable at build time with env!(); a let binding gets no lookup', () => {
    assert.equal(fixed('a.rs', `// MISP\npub const MISP_KEY: &str = "${K}";\n`, 'env'), `// MISP\npub const MISP_KEY: &str = env!("MISP_KEY");\n`);
    const split = `// MISP\nconst MISP_KEY: &str = concat!(\n    "${K.slice(0, 20)}",\n    "${K.slice(20)}"\n);\n`;
    assert.equal(fixed('b.rs', split, 'env'), `// MISP\nconst MISP_KEY: &str = concat!(\n    env!("MISP_KEY")\n);\n`);
    assert.deepEqual(ids('c.rs', `// MISP\nfn main() {\n    let misp_key = "${K}";\n}\n`), ['suppress']);
  });
  it('Swift: ProcessInfo environment, Foundation imported once', () => {
    assert.equal(fixed('a.swift', `// MISP\nstruct C {\n    let mispKey = "${K}"\n}\n`, 'env'), `import Foundation\n\n// MISP\nstruct C {\n    let mispKey = ProcessInfo.processInfo.environment["MISP_KEY"]!\n}\n`);
    assert.equal(fixed('b.swift', `import Foundation\n// MISP\nlet mispKey = "${K}"\n`, 'env'), `import Foundation\n// MISP\nlet mispKey = ProcessInfo.processInfo.environment["MISP_KEY"]!\n`);
  });
  it('Clojure: (System/getenv …), (str …) around an embedded key', () => {
    assert.equal(fixed('misp.clj', `(ns soc.misp)\n(def misp-key "${K}")\n`, 'env'), `(ns soc.misp)\n(def misp-key (System/getenv "MISP_KEY"))\n`);
    assert.equal(fixed('h.clj', `(ns soc.misp)\n(def misp-auth "Token ${K}")\n`, 'env'), `(ns soc.misp)\n(def misp-auth (str "Token " (System/getenv "MISP_KEY")))\n`);
  });
});
