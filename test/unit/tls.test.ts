import * as assert from 'node:assert/strict';
import { applyEdits, planFixes } from '../../server/src/core/fixes';
import { expectFindings, fakeKey } from './helpers';

describe('tls-verify-disabled', () => {
  it('Python: requests verify=False to MISP, keys.py, ssl kwarg, variables passed to PyMISP', () => {
    expectFindings(`import requests\nr = requests.post(misp_url + "/events/restSearch", json=q, verify=False)\n`, 'misp_pull.py', [{ rule: 'tls-verify-disabled', line: 2, text: 'False' }]);
    expectFindings(`misp_url = 'https://misp.example.org'\nmisp_verifycert = False\n`, 'keys.py', [{ rule: 'tls-verify-disabled', line: 2, text: 'False' }]);
    expectFindings(`from pymisp import PyMISP\nverify = False\nm = PyMISP(url, key, verify)\n`, 'v.py', [{ rule: 'tls-verify-disabled', line: 2, text: 'False' }]);
    expectFindings(`import ssl\n# MISP client\nctx = ssl._create_unverified_context()\n`, 'u.py', [{ rule: 'tls-verify-disabled', line: 3, text: 'ssl._create_unverified_context' }]);
  });
  it('JavaScript, Go, C#, PHP, Ruby, Java, PowerShell', () => {
    expectFindings(`// misp\nconst agent = new https.Agent({ rejectUnauthorized: false });\nprocess.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';\n`, 'm.ts', [
      { rule: 'tls-verify-disabled', line: 2, text: 'false' }, { rule: 'tls-verify-disabled', line: 3, text: '0' }]);
    expectFindings(`package misp\nvar c = &tls.Config{InsecureSkipVerify: true}\n`, 'misp.go', [{ rule: 'tls-verify-disabled', line: 2, text: 'true' }]);
    expectFindings(`// MISP\nhandler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => true;\n`, 'Misp.cs', [{ rule: 'tls-verify-disabled', line: 2, text: 'ServerCertificateCustomValidationCallback = (m, c, ch, e) => true' }]);
    expectFindings(`<?php // misp\ncurl_setopt($ch, CURLOPT_SSL_VERIFYPEER, 0);\n$c = new Client(['verify' => false]);\n`, 'misp.php', [
      { rule: 'tls-verify-disabled', line: 2, text: '0' }, { rule: 'tls-verify-disabled', line: 3, text: 'false' }]);
    expectFindings(`# misp\nhttp.verify_mode = OpenSSL::SSL::VERIFY_NONE\n`, 'misp.rb', [{ rule: 'tls-verify-disabled', line: 2, text: 'OpenSSL::SSL::VERIFY_NONE' }]);
    expectFindings(`// MISP\nHttpClients.custom().setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);\n`, 'Misp.java', [{ rule: 'tls-verify-disabled', line: 2, text: 'NoopHostnameVerifier' }]);
    expectFindings(`Invoke-RestMethod -Uri "https://misp.example.org/events/index" -SkipCertificateCheck\n`, 'p.ps1', [{ rule: 'tls-verify-disabled', line: 1, text: '-SkipCertificateCheck' }]);
  });
  it('shell: curl -k, combined short flags, --insecure, wget --no-check-certificate', () => {
    expectFindings(`curl -sk -H "Authorization: $KEY" https://misp.example.org/events/index\ncurl --insecure https://misp.example.org/servers/getVersion\nwget --no-check-certificate https://misp.example.org/feeds/x\n`, 'x.sh', [
      { rule: 'tls-verify-disabled', line: 1, text: '-sk' }, { rule: 'tls-verify-disabled', line: 2, text: '--insecure' }, { rule: 'tls-verify-disabled', line: 3, text: '--no-check-certificate' }]);
  });
  it('curl config on stdin (curl --config - <<EOF): `insecure` counts only for a MISP request', () => {
    const misp = `curl --config - -o out.json <<'EOF'\nurl = "https://misp.example.org/events/restSearch"\ninsecure\nEOF\n`;
    expectFindings(misp, 'pull.sh', [{ rule: 'tls-verify-disabled', line: 3, text: 'insecure' }]);
    expectFindings(`curl -K - <<-EOF\n\turl = "https://misp.example.org/servers/getVersion"\n\t-k\n\tEOF\necho done\n`, 'p.sh', [{ rule: 'tls-verify-disabled', line: 3, text: '-k' }]);
    // Another service, and `insecure` after the heredoc ends: nothing.
    expectFindings(`# MISP sync helper\ncurl --config - <<EOF\nurl = "https://grafana.internal/api/health"\ninsecure\nEOF\n`, 'g.sh', []);
    expectFindings(`curl --config - <<EOF\nurl = "https://misp.example.org/events/index"\nEOF\ninsecure\n`, 'h.sh', []);
  });
  it('a bare host of a config block names its destination; host=args.host in code does not', () => {
    expectFindings('# MISP sync\n[database]\nhost = db.example.com\nssl_verify = false\n', 'misp-sync.ini', []);
    expectFindings('import urllib3\n# pulls events from MISP\npool = urllib3.HTTPSConnectionPool(\n    port=443,\n    cert_reqs="CERT_NONE",\n    host=args.host\n)\npool.request("GET", "/events/index")\n', 'pull.py', [{ rule: 'tls-verify-disabled', line: 5, text: 'CERT_NONE' }]);
  });

  it('a MISP connector block with a bare host of its own (not named misp) is MISP: key and TLS', () => {
    const K = fakeKey(8101);
    expectFindings(`# MISP connector settings\n[server]\nhost = ti.example.com\nauthkey = ${K}\nverify_ssl = false\n`, 'connector.ini', [
      { rule: 'plaintext-config-key', line: 4, text: K },
      { rule: 'tls-verify-disabled', line: 5, text: 'false' },
    ]);
  });
  it('a TLS word beside user/account/webhook still switches TLS (MISP_USER_VERIFY_SSL)', () => {
    expectFindings('# MISP\nMISP_URL=https://misp.example.org\nMISP_USER_VERIFY_SSL=false\n', '.env', [{ rule: 'tls-verify-disabled', line: 3, text: 'false' }]);
    expectFindings('misp:\n  account_ssl_verify: false\n  verify_email: false\n', 'misp.yaml', [{ rule: 'tls-verify-disabled', line: 2, text: 'false' }]);
  });
  it('verify_email, verify_checksums, revocation checks: not the peer certificate', () => {
    const py = [
      'from pymisp import PyMISP',
      'from pydantic import Field',
      'verify_email = False',
      'class Settings(BaseSettings):',
      '    verify_checksums: bool = Field(default=False)',
      '    verify_signature: bool = typer.Option(False, "--verify-signature")',
      '    verify_ssl: bool = Field(default=False)',
      '',
    ].join('\n');
    expectFindings(py, 'settings.py', [{ rule: 'tls-verify-disabled', line: 7, text: 'False' }]);
    expectFindings("# MISP agent\nRegistry Crl { Key = 'HKLM:\\SOFTWARE\\Corp'; ValueName = 'CheckCertificateRevocation'; ValueData = '0' }\n", 'agent.ps1', []);
  });

  it('the message closes a subscripted name (os.environ[\'X\'] = \'False\')', () => {
    const [f] = expectFindings(`import os\nos.environ['MISP_URL'] = 'https://misp.example.org'\nos.environ['MISP_SSL_VERIFY'] = 'False'\n`, 'c.py', [{ rule: 'tls-verify-disabled', line: 3, text: 'False' }]);
    assert.match(f.message, /os\.environ\['MISP_SSL_VERIFY'\] = 'False'/);
  });
  it('config files: env, ini, YAML, Kubernetes env entries, HOCON, Filebeat, Ansible', () => {
    expectFindings(`MISP_URL=https://misp.example.org\nMISP_SSL_VERIFY=false\n`, '.env', [{ rule: 'tls-verify-disabled', line: 2, text: 'false' }], 'dotenv');
    expectFindings(`[misp]\nurl = https://misp.example.org\nsslcheck = 0\n`, 'misp.conf', [{ rule: 'tls-verify-disabled', line: 3, text: '0' }]);
    expectFindings(`env:\n  - name: MISP_SSL_VERIFY\n    value: "false"\n`, 'deploy.yaml', [{ rule: 'tls-verify-disabled', line: 3, text: 'false' }]);
    expectFindings(`play.ws.ssl.loose.acceptAnyCertificate = true\nmisp.url = "https://misp.example.org"\n`, 'application.conf', [{ rule: 'tls-verify-disabled', line: 1, text: 'true' }], 'plaintext');
    expectFindings(`- module: threatintel\n  misp:\n    var.url: https://misp.example.org/events/restSearch\n    var.ssl.verification_mode: none\n`, 'filebeat.yml', [{ rule: 'tls-verify-disabled', line: 4, text: 'none' }]);
    expectFindings(`- name: pull from MISP\n  uri:\n    url: "{{ misp_url }}/events/index"\n    validate_certs: false\n`, 'roles/misp/tasks/main.yml', [{ rule: 'tls-verify-disabled', line: 4, text: 'false' }]);
  });
  it('a server entry [url, key, false] in PyMISP argument order; a call with the same arguments is not one', () => {
    const json = '{"misp": {"servers": [\n  ["https://misp.example.org", "${MISP_KEY}", false],\n  ["https://misp2.example.org", "${MISP_KEY_2}", true]\n]}}\n';
    const f = expectFindings(json, 'puller.json', [{ rule: 'tls-verify-disabled', line: 2, text: 'false' }]);
    assert.equal(f[0].fix?.type === 'tls' && f[0].fix.replacement, 'true');
    expectFindings('SERVERS = [("https://misp.example.org", key, False)]\n', 'servers.py', [{ rule: 'tls-verify-disabled', line: 1, text: 'False' }]);
    expectFindings('import misp_cache\nmisp_cache.put("https://misp.example.org", data, False)\n', 'cache.py', []);
    expectFindings('{"mirrors": [["https://pypi.example.org", "simple", false]], "misp": "x"}\n', 'mirrors.json', []);
  });
  it('reverse proxies: Caddy tls_insecure_skip_verify and HAProxy ssl verify none, only for the MISP upstream', () => {
    const caddy = 'misp.example.org {\n\treverse_proxy https://10.0.0.5 {\n\t\theader_up Host misp.internal\n\t\ttransport http {\n\t\t\ttls_insecure_skip_verify\n\t\t}\n\t}\n}\nlogs.example.org {\n\treverse_proxy https://es.example.org {\n\t\ttransport http {\n\t\t\ttls_insecure_skip_verify\n\t\t}\n\t}\n}\n';
    const [c] = expectFindings(caddy, 'Caddyfile', [{ rule: 'tls-verify-disabled', line: 5, text: 'tls_insecure_skip_verify' }]);
    assert.equal(applyEdits(caddy, planFixes(caddy, c).find((p) => p.id === 'tls')!.edits).includes('\t\t\ttls_insecure_skip_verify\n\t\t}\n\t}\n}\nlogs'), false);
    // A proxy to an address (not a host name) is judged by the site around it; CRLF lines are fixed whole.
    const crlf = 'misp.example.com {\r\n\treverse_proxy https://10.0.0.5 {\r\n\t\ttransport http {\r\n\t\t\ttls_insecure_skip_verify\r\n\t\t}\r\n\t}\r\n}\r\n';
    const [ip] = expectFindings(crlf, 'Caddyfile', [{ rule: 'tls-verify-disabled', line: 4, text: 'tls_insecure_skip_verify' }]);
    assert.equal(applyEdits(crlf, planFixes(crlf, ip).find((p) => p.id === 'tls')!.edits), crlf.replace('\t\t\ttls_insecure_skip_verify\r\n', ''));
    const haproxy = 'global\n  log /dev/log local0\n\nbackend be_misp\n    server misp01 10.0.0.5:443 ssl verify none check\n\nbackend be_elastic\n    server es01 10.0.0.9:9200 ssl verify none check\n';
    const [h] = expectFindings(haproxy, 'haproxy.cfg', [{ rule: 'tls-verify-disabled', line: 5, text: 'none' }]);
    assert.match(applyEdits(haproxy, planFixes(haproxy, h).find((p) => p.id === 'tls')!.edits), /server misp01 10\.0\.0\.5:443 ssl verify required ca-file @system-ca check\n/);
  });
  it('a settings block with nothing to say is judged by the entry around it (Prometheus jobs)', () => {
    const y = 'scrape_configs:\n  - job_name: misp\n    scheme: https\n    tls_config:\n      insecure_skip_verify: true\n    static_configs:\n      - targets: ["misp.internal:443"]\n  - job_name: elasticsearch\n    scheme: https\n    tls_config:\n      insecure_skip_verify: true\n    static_configs:\n      - targets: ["es01.internal:9200"]\n';
    expectFindings(y, 'prometheus.yml', [{ rule: 'tls-verify-disabled', line: 5, text: 'true' }]);
  });
  it('PyMISP positional ssl flag after an argument with a trailing comment', () => {
    const py = 'from pymisp import PyMISP\nmisp = PyMISP(\n    MISP_URL,\n    MISP_KEY,  # misp-guard-ignore: hardcoded-key\n    False,  # self-signed\n)\n';
    expectFindings(py, 'tag.py', [{ rule: 'tls-verify-disabled', line: 5, text: 'False' }]);
    expectFindings('from pymisp import PyMISP\nm = PyMISP(url, key,\n    False  # self-signed\n)\n', 'tag.py', [{ rule: 'tls-verify-disabled', line: 3, text: 'False' }]);
  });
  it('disabled TLS in a comment is not reported', () => {
    expectFindings(`import pymisp\n# r = requests.get(misp_url, verify=False)\n`, 'c.py', []);
  });
});
