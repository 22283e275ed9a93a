/**
 * Values named by their context rather than by the word before them: a SQL dump's columns, a wrapper
 * call's target or env var (typer, pydantic, Prefect), a name/value record (PowerShell DSC, ECS-style
 * objects), Fluent Bit's `Key value` lines, base64 values outside Kubernetes Secrets, rich JSON
 * notebook outputs and Redis protocol files.
 */
import * as assert from 'node:assert/strict';
import { applyEdits, planFixes } from '../../server/src/core/fixes';
import { expectFindings, fakeKey, scan } from './helpers';

const K = fakeKey(801);
const K2 = fakeKey(802);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('values named by their context', () => {
  it('SQL dump: the CREATE TABLE column of a positional INSERT value names it', () => {
    const sql = [
      'CREATE TABLE `users` (',
      '  `id` int(11) NOT NULL AUTO_INCREMENT,',
      "  `email` varchar(255) NOT NULL DEFAULT '',",
      '  `authkey` varchar(40) DEFAULT NULL,',
      '  PRIMARY KEY (`id`)',
      ') ENGINE=InnoDB;',
      `INSERT INTO \`users\` VALUES (1,'admin@example.org','${K}'),(2,'it''s@example.org','${K2}');`,
      '',
    ].join('\n');
    const f = expectFindings(sql, 'misp_dump.sql', [
      { rule: 'plaintext-config-key', line: 7, text: K },
      { rule: 'plaintext-config-key', line: 7, text: K2 },
    ]);
    assert.match(f[0].message, /users\.authkey/);
  });

  it('SQL dump: an explicit column list wins, and a non-key column is not a key', () => {
    const sql = `INSERT INTO servers (name, url, authkey) VALUES ('CIRCL', 'https://misp.example.org', '${K}');\nINSERT INTO servers (name, url, uuid) VALUES ('x', 'https://misp.example.org', '${K2}');\n`;
    expectFindings(sql, 'misp.sql', [{ rule: 'plaintext-config-key', line: 1, text: K }]);
  });

  it('SQL dump: a row is judged by itself, not by the dump mentioning MISP', () => {
    const K3 = fakeKey(803);
    const K4 = fakeKey(804);
    const sql = [
      '-- Database: intel_portal (feeds pulled from MISP nightly)',
      'CREATE TABLE `sessions` (`id` varchar(40) NOT NULL, `token` varchar(40) NOT NULL, PRIMARY KEY (`id`));',
      `INSERT INTO \`sessions\` VALUES ('${K}','${K2}');`,
      'CREATE TABLE `integrations` (`id` int, `service` varchar(32), `url` varchar(255), `api_key` varchar(64));',
      `INSERT INTO \`integrations\` VALUES (1,'shodanx','https://api.example.net','${K3}'),(2,'misp','https://misp.example.org','${K4}');`,
      `INSERT INTO password_resets (email, reset_token) VALUES ('a@example.org','${fakeKey(805)}');`,
      '',
    ].join('\n');
    expectFindings(sql, 'portal.sql', [{ rule: 'plaintext-config-key', line: 5, text: K4 }]);
  });

  it('SQL dump: a key inside a value and a key/value table keep the name in the row', () => {
    const sql = [
      `INSERT INTO wp_options (option_id, option_name, option_value, autoload) VALUES (812, 'misp_api_key', '${K}', 'yes');`,
      `INSERT INTO connector_config (id, config) VALUES (3, '{"misp_url": "https://misp.corp", "misp_key": "${K2}"}');`,
      `INSERT INTO wp_options (option_id, option_name, option_value, autoload) VALUES (813, 'api_key', '${fakeKey(806)}', 'yes');`,
      '',
    ].join('\n');
    expectFindings(sql, 'wordpress.sql', [
      { rule: 'plaintext-config-key', line: 1, text: K },
      { rule: 'plaintext-config-key', line: 2, text: K2 },
    ]);
  });

  it('SQL dump: PostgreSQL COPY … FROM stdin rows are named by the COPY column list', () => {
    const sql = [
      '-- PostgreSQL database dump',
      'COPY public.users (id, email, authkey) FROM stdin;',
      `1\tadmin@example.org\t${K}`,
      `2\tit's@example.org\t${K2}`,
      '\\.',
      'COPY public.sessions (id, token) FROM stdin;',
      `1\t${fakeKey(807)}`,
      '\\.',
      '',
    ].join('\n');
    expectFindings(sql, 'misp_pg.sql', [
      { rule: 'plaintext-config-key', line: 3, text: K },
      { rule: 'plaintext-config-key', line: 4, text: K2 },
    ]);
  });

  it('SQL dump: comments in CREATE TABLE (an apostrophe included) and COPY rows of identifier-shaped keys', () => {
    const camel = 'Zq3xV8mN2pL7rT4wY6bK9cH1dF5gJ0aS2eU8iO3k';
    const sql = `-- MISP dump\nCREATE TABLE \`users\` (\n  \`id\` int(11) NOT NULL, -- user's id\n  /* the key */ \`authkey\` varchar(40)\n);\nINSERT INTO \`users\` VALUES (1,'${K}');\n`;
    expectFindings(sql, 'misp.sql', [{ rule: 'plaintext-config-key', line: 6, text: K }]);
    const copy = `-- MISP dump\nCOPY public.users (id, email, authkey) FROM stdin;\n1\ta@example.org\t${camel}\n\\.\n`;
    expectFindings(copy, 'misp.sql', [{ rule: 'plaintext-config-key', line: 3, text: camel }]);
  });

  it('MATLAB: a "string" is joined with +, a \'char array\' in [ ]', () => {
    for (const [q, want] of [['"', `("Bearer " + getenv('MISP_KEY'))`], ["'", `['Bearer ', getenv('MISP_KEY')]`]]) {
      const t = `% MISP\nopts = weboptions("HeaderFields", {"Authorization", ${q}Bearer ${K}${q}});\n`;
      const [f] = expectFindings(t, 'pull.m', [{ rule: 'hardcoded-key', line: 2, text: K }]);
      assert.equal(applyEdits(t, planFixes(t, f).find((p) => p.id === 'env')!.edits), `% MISP\nopts = weboptions("HeaderFields", {"Authorization", ${want}});\n`);
    }
  });

  it('typer option: envvar names the default; a wrapped False default is TLS off', () => {
    const py = [
      'from pymisp import PyMISP',
      'import typer',
      'def main(',
      `    key: str = typer.Option("${K}", envvar="MISP_KEY"),`,
      '    verify: bool = typer.Option(False, "--verify/--no-verify"),',
      '):',
      '    PyMISP("https://misp.example.org", key, verify)',
      '',
    ].join('\n');
    const f = expectFindings(py, 'cli.py', [
      { rule: 'hardcoded-key', line: 4, text: K },
      { rule: 'tls-verify-disabled', line: 5, text: 'False' },
    ]);
    assert.match(f[0].message, /MISP_KEY/);
  });

  it('pydantic Field(default=False) is named by its field; another service class is not MISP', () => {
    const py = [
      'from pydantic import Field',
      'from pydantic_settings import BaseSettings',
      'class MispSettings(BaseSettings):',
      '    url: str = Field("https://misp.example.org")',
      '    verify_ssl: bool = Field(default=False)',
      'class OpenCTISettings(BaseSettings):',
      '    url: str = Field("https://opencti.example.org")',
      '    ssl_verify: bool = Field(default=False)',
      '',
    ].join('\n');
    expectFindings(py, 'settings.py', [{ rule: 'tls-verify-disabled', line: 5, text: 'False' }]);
  });

  it('Prefect Secret(value=…).save("misp-api-key") is named by the block it is saved as', () => {
    const py = `from prefect.blocks.system import Secret\nSecret(value="${K}").save("misp-api-key", overwrite=True)\n`;
    const f = expectFindings(py, 'blocks.py', [{ rule: 'hardcoded-key', line: 2, text: K }]);
    assert.match(f[0].message, /misp-api-key/);
  });

  it('click: a decorator option is named by its long flag', () => {
    const py = ['import click', 'from pymisp import PyMISP', '@click.command()', '@click.option("--verify/--no-verify", default=False)', `@click.option("--misp-key", default="${K}")`, 'def main(verify, misp_key):', '    PyMISP("https://misp.example.org", misp_key, verify)', ''].join('\n');
    const f = expectFindings(py, 'cli.py', [
      { rule: 'tls-verify-disabled', line: 4, text: 'False' },
      { rule: 'hardcoded-key', line: 5, text: K },
    ]);
    assert.match(f[1].message, /--misp-key/);
  });

  it('CloudFormation parameters: ParameterKey names ParameterValue (JSON and YAML)', () => {
    const json = JSON.stringify([{ ParameterKey: 'MispUrl', ParameterValue: 'https://misp.example.org' }, { ParameterKey: 'MispApiKey', ParameterValue: K }, { ParameterKey: 'BuildId', ParameterValue: K2 }], null, 2);
    const f = expectFindings(json, 'cfn/params.json', [{ rule: 'plaintext-config-key', line: 8, text: K }]);
    assert.match(f[0].message, /MispApiKey/);
    expectFindings(`Parameters:\n  - ParameterKey: MispApiKey\n    ParameterValue: ${K}\n`, 'cfn/params.yaml', [{ rule: 'plaintext-config-key', line: 3, text: K }]);
  });

  it('a record is named by its most specific field: ValueName over Name over Key', () => {
    const ps = `# MISP agent\n$r = @{ Key = 'Agent'; Name = 'MispAgent'; ValueName = 'VerifyServerCertificate'; ValueData = '0' }\n`;
    expectFindings(ps, 'agent.ps1', [{ rule: 'tls-verify-disabled', line: 2, text: '0' }]);
  });

  it('PowerShell DSC records: Name names Value, ValueName names ValueData', () => {
    const ps = [
      'Configuration MispAgent {',
      '  Node localhost {',
      "    Environment MispKey { Name = 'MISP_KEY'; Value = '" + K + "'; Ensure = 'Present' }",
      '    Registry Tls {',
      "      Key = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Corp\\MispAgent'",
      "      ValueName = 'VerifyServerCertificate'",
      "      ValueData = '0'",
      '    }',
      "    Registry Other { Key = 'HKLM\\SOFTWARE\\Corp\\MispAgent'; ValueName = 'LogLevel'; ValueData = '0' }",
      '  }',
      '}',
      '',
    ].join('\n');
    expectFindings(ps, 'MispAgent.ps1', [
      { rule: 'hardcoded-key', line: 3, text: K },
      { rule: 'tls-verify-disabled', line: 7, text: '0' },
    ]);
  });

  it('an ECS-style { name, value } object in code is named by name', () => {
    const ts = `const env = [{ name: "MISP_URL", value: "https://misp.example.org" }, { name: "MISP_KEY", value: "${K}" }];\n`;
    const f = expectFindings(ts, 'stack.ts', [{ rule: 'hardcoded-key', line: 1, text: K }]);
    assert.match(f[0].message, /MISP_KEY/);
  });

  it('Fluent Bit: Header Authorization KEY and tls.verify Off only in the MISP output', () => {
    const conf = [
      '[OUTPUT]',
      '    Name        es',
      '    Host        elastic.example.org',
      '    tls.verify  Off',
      '',
      '[OUTPUT]',
      '    Name        http',
      '    Host        misp.example.org',
      '    URI         /events/restSearch',
      `    Header      Authorization ${K}`,
      '    tls.verify  Off',
      '',
    ].join('\n');
    expectFindings(conf, 'fluent-bit.conf', [
      { rule: 'plaintext-config-key', line: 10, text: K },
      { rule: 'tls-verify-disabled', line: 11, text: 'Off' },
    ]);
  });

  it('Fluent Bit: an output to another host is not MISP even if an input reads MISP logs', () => {
    const conf = [
      '[INPUT]',
      '    Name   tail',
      '    Path   /var/log/misp/*.log',
      '',
      '[OUTPUT]',
      '    Name        http',
      '    Match       *',
      '    Host        logs.example.com',
      `    Header      Authorization ${K}`,
      '    tls.verify  Off',
      '',
    ].join('\n');
    expectFindings(conf, 'fluent-bit.conf', []);
  });

  it('Fluent Bit YAML: header: Authorization KEY is named by its header, per output', () => {
    const yaml = [
      'pipeline:',
      '  outputs:',
      '    - name: http',
      '      host: misp.example.org',
      '      uri: /sightings/add',
      `      header: Authorization ${K}`,
      '    - name: http',
      '      host: logs.example.com',
      `      header: Authorization ${K2}`,
      '      tls.verify: off',
      '',
    ].join('\n');
    expectFindings(yaml, 'fluent-bit.yaml', [{ rule: 'plaintext-config-key', line: 6, text: K }]);
  });

  it('a daemon config without operators (redis.conf for MISP) is no Fluent Bit file: its lines are not settings', () => {
    const conf = `# redis for the MISP workers\nbind 127.0.0.1\nmasterauth ${K}\nrequirepass ${K2}\n`;
    expectFindings(conf, 'redis/redis.conf', []);
  });

  it('a base64 value outside a Kubernetes Secret (consul kv export) is decoded', () => {
    const enc = b64(K);
    const json = JSON.stringify([{ key: 'soc/misp/api_key', flags: 0, value: enc }, { key: 'soc/misp/blob', flags: 0, value: b64('x'.repeat(10) + '\u00ff'.repeat(30)) }], null, 2);
    const f = expectFindings(json, 'kv-export.json', [{ rule: 'plaintext-config-key', line: 5, text: enc }]);
    assert.ok(!f[0].message.includes(K) && !f[0].message.includes(enc));
    // No reference to the plain key can replace an encoded value: only suppress is offered.
    const data = JSON.stringify([{ key: 'soc/misp/api_key', flags: 0, value: enc }], null, 2);
    const found = scan(data, 'kv-export.json')[0];
    assert.deepEqual(planFixes(data, found).map((p) => p.id), ['suppress']);
    const env = `# MISP\nMISP_KEY_B64=${enc}\n`;
    assert.deepEqual(planFixes(env, scan(env, '.env')[0]).map((p) => p.id), ['suppress']);
    // Decoded, it is only a key under a name that says so.
    expectFindings(JSON.stringify([{ key: 'soc/misp/build_id', value: enc }]), 'kv.json', []);
  });

  it('a rich JSON output of a notebook (application/json) is an output', () => {
    const nb = JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, source: ['cfg'], outputs: [{ output_type: 'execute_result', metadata: {}, execution_count: 1, data: { 'application/json': { misp: { url: 'https://misp.example.org', key: K } } } }] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
    const f = scan(nb, 'check.ipynb');
    assert.deepEqual(f.map((x) => x.ruleId), ['key-in-notebook-output']);
    assert.equal(nb.slice(f[0].start, f[0].end), K);
  });

  it('a rich JSON output names its values: an attribute value or a hash field of a MISP notebook is no key', () => {
    const out = { 'application/json': [{ Attribute: { type: 'text', value: K } }, { data: { id: 'x', attributes: { vhash: K2 } } }], 'text/plain': ['[...]'] };
    const nb = JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, source: ["misp.search(controller='attributes', value='x')"], outputs: [{ output_type: 'execute_result', metadata: {}, execution_count: 1, data: out }] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
    assert.deepEqual(scan(nb, 'hunt.ipynb'), []);
  });

  it('prose: "use key `…`", "the MISP key is …" in Markdown, notebook markdown cells and text notes', () => {
    expectFindings(`# Lab\n\nUse key \`${K}\` for the lab MISP.\n`, 'NOTES.md', [{ rule: 'hardcoded-key', line: 3, text: K }]);
    expectFindings(`Lab MISP\nthe MISP key is ${K}\n`, 'notes.txt', [{ rule: 'plaintext-config-key', line: 2, text: K }]);
    const nb = JSON.stringify({ cells: [{ cell_type: 'markdown', metadata: {}, source: [`Use key \`${K}\` for the lab MISP`] }], metadata: {}, nbformat: 4, nbformat_minor: 5 });
    assert.deepEqual(scan(nb, 'lab.ipynb').map((f) => nb.slice(f.start, f.end)), [K]);
    // Not a key word, or not MISP: nothing.
    expectFindings(`# Build\n\nThe build id is \`${K}\` (MISP image).\n`, 'BUILD.md', []);
    expectFindings(`# Notes\n\nUse key \`${K}\` for the GitHub API.\n`, 'GH.md', []);
  });

  it('reverse proxies: a header written `Authorization value` (Caddy header_up, HAProxy set-header)', () => {
    const caddy = `misp-feed.example.net {\n\treverse_proxy https://10.0.0.5 {\n\t\theader_up Host misp.internal\n\t\theader_up Authorization "${K}"\n\t}\n}\n`;
    expectFindings(caddy, 'Caddyfile', [{ rule: 'plaintext-config-key', line: 4, text: K }]);
    const haproxy = `backend be_misp\n    http-request set-header Authorization ${K} if { path_beg /events }\n    server misp01 10.0.0.5:443 ssl verify required ca-file /etc/ssl/ca.pem\n`;
    expectFindings(haproxy, 'haproxy/haproxy.cfg', [{ rule: 'plaintext-config-key', line: 2, text: K }]);
  });

  it('a {name, default} record (Velociraptor artifact parameters) is named by name', () => {
    const y = `name: Custom.MISP.Lookup\nparameters:\n  - name: MISPURL\n    default: https://misp.example.org\n  - name: MISPKey\n    default: ${K}\n  - name: BuildId\n    default: ${K2}\n`;
    const f = expectFindings(y, 'artifacts/Custom.MISP.Lookup.yaml', [{ rule: 'plaintext-config-key', line: 6, text: K }]);
    assert.match(f[0].message, /MISPKey/);
  });

  it('batch: a key inside a quoted curl argument moves to %MISP_KEY%', () => {
    const t = `rem MISP pull\r\ncurl.exe -s -H "Authorization: ${K}" https://misp.example.org/events/index\r\n`;
    const [f] = expectFindings(t, 'pull.cmd', [{ rule: 'key-in-command-line', line: 2, text: K }]);
    const env = planFixes(t, f).find((p) => p.id === 'env')!;
    assert.equal(applyEdits(t, env.edits), 'rem MISP pull\r\ncurl.exe -s -H "Authorization: %MISP_KEY%" https://misp.example.org/events/index\r\n');
  });

  it('Redis protocol (appendonly.aof): the field before a bulk value names it', () => {
    const aof = ['*4', '$4', 'HSET', '$20', 'soc:integration:misp', '$7', 'api_key', '$40', K, '*3', '$3', 'SET', '$4', 'uuid', '$40', K2, ''].join('\r\n');
    expectFindings(aof, 'appendonly.aof', [{ rule: 'plaintext-config-key', line: 9, text: K }]);
  });
});
