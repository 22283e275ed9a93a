/** JSON (and JSON with comments) through jsonc-parser: every string/literal value with its path. */
import { visit, printParseErrorCode } from 'jsonc-parser';
import { RECORD_NAMES, RECORD_VALUE, sortScalars, type Scalar, type StructuredView } from './scalars';

/** Parses JSON leniently; `error` reports the first syntax error (values found so far are kept). */
export function jsonView(text: string): StructuredView {
  const scalars: Scalar[] = [];
  let error: StructuredView['error'];
  const objects: Array<Map<string, string>> = [];
  const groups: number[] = [];
  visit(text, {
    onObjectBegin: (offset: number) => { objects.push(new Map()); groups.push(offset); },
    onObjectEnd: () => { objects.pop(); groups.pop(); },
    onLiteralValue(value: unknown, offset: number, length: number, _l: number, _c: number, pathSupplier: () => Array<string | number>) {
      const full = pathSupplier();
      const path = full.filter((p): p is string => typeof p === 'string');
      const raw = text.slice(offset, offset + length);
      const quoted = raw.startsWith('"');
      let key = path[path.length - 1];
      const last = full[full.length - 1];
      if (typeof last === 'string' && objects.length) objects[objects.length - 1].set(last, typeof value === 'string' ? value : raw);
      // {"name": "MISP_KEY", "value": "..."} (ECS task definitions, Kubernetes JSON)
      // {"name": "MISP_KEY", "value": "..."} (ECS, Kubernetes JSON) and {"key": "misp_key", "value": "..."} (Postman).
      // CloudFormation {"ParameterKey": …, "ParameterValue": …} and AWS tags {"Key": …, "Value": …} too.
      if (key !== undefined && RECORD_VALUE.test(key) && objects.length) {
        const obj = objects[objects.length - 1];
        key = RECORD_NAMES.map((f) => obj.get(f)).find((v) => v !== undefined) ?? key;
      }
      scalars.push({
        start: quoted ? offset + 1 : offset, end: quoted ? offset + length - 1 : offset + length,
        literalStart: offset, literalEnd: offset + length, quote: quoted ? '"' : '',
        key, path, value: typeof value === 'string' ? value : raw, group: groups[groups.length - 1], parentGroup: groups[groups.length - 2],
      });
    },
    onError(code: number, offset: number) {
      if (!error) error = { message: `JSON syntax error: ${printParseErrorCode(code)}`, offset };
    },
  }, { allowTrailingComma: true, disallowComments: false });
  return { scalars: sortScalars(scalars), error };
}
