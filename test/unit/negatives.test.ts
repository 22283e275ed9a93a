import { expectFindings, fakeKey } from './helpers';

const K = fakeKey(3);

describe('what must not be flagged', () => {
  it('environment, Vault and secret-manager lookups and interpolations', () => {
    expectFindings(`import os\nfrom pymisp import PyMISP\nmisp = PyMISP(os.environ["MISP_URL"], os.getenv("MISP_KEY"), True)\n`, 'a.py', []);
    expectFindings(`services:\n  c:\n    environment:\n      - MISP_KEY=\${MISP_KEY}\n      - MISP_URL=https://misp.example.org\n`, 'docker-compose.yml', []);
    expectFindings(`misp_api_key: "{{ lookup('community.hashi_vault.hashi_vault', 'secret=cti/data/misp:key') }}"\n`, 'group_vars/all.yml', []);
    expectFindings(`env:\n  MISP_API_KEY: \${{ secrets.MISP_API_KEY }}\n`, '.github/workflows/x.yml', []);
  });
  it('placeholders, repeated characters and sequences', () => {
    for (const v of ['X'.repeat(40), 'a'.repeat(40), '0123456789abcdefghijklmnopqrstuvwxyzABCD', 'YourMispApiKeyGoesHereReplaceMe000000000', 'abcdABCD'.repeat(5), 'changemechangemechangemechangemechangeme']) {
      expectFindings(`from pymisp import PyMISP\nmisp_key = "${v}"\n`, 'p.py', []);
    }
    expectFindings(`import pymisp\nmisp_key = "<your MISP key>"\nmisp_key2 = ""\n`, 'p.py', []);
  });
  it('40-hex SHAs: pinned actions, lockfiles, MISP sha1 attributes, SHA-1 IOCs', () => {
    const sha = 'a62928334f70db3418598421f3972e4767b554c9';
    expectFindings(`name: misp\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@${sha}\n      - run: pip install git+https://github.com/MISP/PyMISP@${sha}\n`, '.github/workflows/m.yml', []);
    expectFindings(`{"Event": {"info": "misp", "Attribute": [{"type": "sha1", "value": "${sha}"}]}}\n`, 'export.json', []);
    expectFindings(`from pymisp import PyMISP\nDEFAULT_SHA1 = "${sha}"\nkey_sha = "${sha}"\n`, 'h.py', []);
    expectFindings(`[package.source]\ntype = "git"\nurl = "https://git.example.org/misp-tools.git"\nresolved_reference = "${sha}"\n`, 'poetry.lock', []);
  });
  it('a 40-character window inside a longer token or a base64 blob', () => {
    expectFindings(`import pymisp\nmisp_key = "${K}Q"\nmisp_key = "x_${K}"\nblob = "abc+${K}/def"\n`, 'w.py', []);
    const blob = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA/' + K + '/60e6kgAAAABJRU5ErkJggg==';
    expectFindings(`# misp notebook image\nimg = "${blob}"\n`, 'img.py', []);
  });
  it('clearly marked test fixtures', () => {
    expectFindings(`from pymisp import PyMISP\nFAKE_MISP_KEY = "${K}"\n`, 't.py', []);
    expectFindings(`from pymisp import PyMISP\nmisp_key = "${K}"  # fake key for the unit tests\n`, 't.py', []);
  });
  it('keys of other services and files with no MISP context', () => {
    expectFindings(`api_key = "${K}"\n`, 'weather.py', []);
    expectFindings(`import pymisp\naws_secret_access_key = "${K}"\n`, 'deploy.py', []);
    expectFindings(`[misp]\nurl = https://misp.example.org\n[thehive]\nkey = ${K}\n`, 'sync.ini', []);
  });
  it('TLS settings for other services, enabled verification and unrelated flags', () => {
    expectFindings(`import pymisp\nrequests.get("https://api.virustotal.com/x", verify=False)\n`, 'vt.py', []);
    expectFindings(`misp_verifycert = True\nverify_cert = True\n`, 'keys.py', []);
    expectFindings(`# misp-docker\n# DISABLE_SSL_REDIRECT=true\nDISABLE_SSL_REDIRECT=true\n`, 'template.env', []);
    expectFindings(`# misp\nssh -k host\ntar -xkf misp.tgz\n`, 'x.sh', []);
    expectFindings(`const VERIFY_TLS = process.env.MISP_VERIFY_TLS !== 'false';\nconst o = { rejectUnauthorized: VERIFY_TLS };\n`, 'misp.js', []);
  });
});
