/**
 * Small helper functions inserted once where a language has no one-expression Vault read: Go, Java and
 * JavaScript/TypeScript. Each reads KV v2 over HTTP with VAULT_ADDR and VAULT_TOKEN and fails loudly.
 */
import { VAULT_HELPER } from './codeExpr';
import type { VaultRef } from './model';

const where = (v: VaultRef) => `${v.mount}/${v.path}`;

/** Go helper (gofmt layout, tabs). Needs encoding/json, net/http and os. */
export function goVaultHelper(v: VaultRef): string[] {
  return [
    `// ${VAULT_HELPER} reads the MISP key from HashiCorp Vault (KV v2 ${where(v)}, field ${v.field})`,
    '// with the address in VAULT_ADDR and the token in VAULT_TOKEN.',
    `func ${VAULT_HELPER}() string {`,
    `\treq, err := http.NewRequest(http.MethodGet, os.Getenv("VAULT_ADDR")+"/v1/${v.mount}/data/${v.path}", nil)`,
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\treq.Header.Set("X-Vault-Token", os.Getenv("VAULT_TOKEN"))',
    '\tresp, err := http.DefaultClient.Do(req)',
    '\tif err != nil {',
    '\t\tpanic(err)',
    '\t}',
    '\tdefer resp.Body.Close()',
    '\tvar secret struct {',
    '\t\tData struct {',
    '\t\t\tData map[string]interface{} `json:"data"`',
    '\t\t} `json:"data"`',
    '\t}',
    '\tif err := json.NewDecoder(resp.Body).Decode(&secret); err != nil {',
    '\t\tpanic(err)',
    '\t}',
    `\tkey, ok := secret.Data.Data["${v.field}"].(string)`,
    '\tif resp.StatusCode != http.StatusOK || !ok {',
    `\t\tpanic("MISP key not found in Vault at ${where(v)}")`,
    '\t}',
    '\treturn key',
    '}',
  ];
}

/** Java 11+ helper method (indent unit `\t`, replaced by the file's). Fully qualified names: no imports. */
export function javaVaultHelper(v: VaultRef): string[] {
  return [
    `/** Reads the MISP key from HashiCorp Vault (KV v2 ${where(v)}, field ${v.field}) with VAULT_ADDR and VAULT_TOKEN. */`,
    `private static String ${VAULT_HELPER}() {`,
    '\ttry {',
    '\t\tjava.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(',
    `\t\t\t\tjava.net.http.HttpRequest.newBuilder(java.net.URI.create(System.getenv("VAULT_ADDR") + "/v1/${v.mount}/data/${v.path}"))`,
    '\t\t\t\t\t\t.header("X-Vault-Token", System.getenv("VAULT_TOKEN")).build(),',
    '\t\t\t\tjava.net.http.HttpResponse.BodyHandlers.ofString());',
    `\t\tjava.util.regex.Matcher m = java.util.regex.Pattern.compile("\\"" + java.util.regex.Pattern.quote("${v.field}") + "\\"\\\\s*:\\\\s*\\"([^\\"]*)\\"").matcher(response.body());`,
    '\t\tif (response.statusCode() != 200 || !m.find()) {',
    `\t\t\tthrow new IllegalStateException("MISP key not found in Vault at ${where(v)}");`,
    '\t\t}',
    '\t\treturn m.group(1);',
    '\t} catch (java.io.IOException | InterruptedException e) {',
    '\t\tthrow new IllegalStateException("Cannot read the MISP key from Vault", e);',
    '\t}',
    '}',
  ];
}

/** JavaScript/TypeScript async helper using fetch (Node 18+). Function declarations are hoisted: it goes at the end. */
export function jsVaultHelper(v: VaultRef, ts: boolean): string[] {
  const body = ts ? '((await res.json()) as { data: { data: Record<string, string> } })' : '(await res.json())';
  return [
    `/** Reads the MISP key from HashiCorp Vault (KV v2 ${where(v)}, field ${v.field}) with VAULT_ADDR and VAULT_TOKEN. */`,
    `async function ${VAULT_HELPER}()${ts ? ': Promise<string>' : ''} {`,
    `  const res = await fetch(\`\${process.env.VAULT_ADDR}/v1/${v.mount}/data/${v.path}\`, { headers: { 'X-Vault-Token': process.env.VAULT_TOKEN ?? '' } });`,
    `  if (!res.ok) throw new Error(\`Vault answered \${res.status} for ${where(v)}\`);`,
    `  return ${body}.data.data[${JSON.stringify(v.field).replace(/"/g, "'")}];`,
    '}',
  ];
}
