/** The common shape structured formats hand to the rules: values with their key and path. */

/** One value of a structured file. Offsets are into the scanned text. */
export interface Scalar {
  /** Range of the value's text, without quotes. */
  start: number;
  end: number;
  /** Range of the value token, quotes included. */
  literalStart: number;
  literalEnd: number;
  /** Quote style: `"`, `'`, `"""`, block-scalar indicator (`|`, `>`), or '' for a bare value. */
  quote: string;
  /** The key this value is assigned to (last path element that is not an index). */
  key?: string;
  /** Keys from the outermost section down to the value's key. */
  path: string[];
  /** The decoded value. */
  value: string;
  /** The value is a command line (CI script, container command, ExecStart, ...). */
  command?: boolean;
  /** Identity (start offset) of the mapping, object, block or section holding the value: its siblings share it. */
  group?: number;
  /** Group of the mapping that holds the value's mapping (a list item around `jsonData:`), when there is one. */
  parentGroup?: number;
}

/** A structured view of a config document. */
export interface StructuredView {
  scalars: Scalar[];
  /** Set when the real parser rejected the document; the view then comes from a line scan. */
  error?: { message: string; offset?: number };
}

const COMMAND_KEYS = /^(?:script|before_script|after_script|run|command|cmd|args|entrypoint|execstart|execstartpre|execstartpost|execreload|shell|exec|post_start|pre_start|healthcheck|test)$/i;

/** True when a value under this key is a command line. */
export function isCommandKey(key: string | undefined): boolean {
  return key !== undefined && COMMAND_KEYS.test(key);
}

/** Sorts scalars by start and removes exact duplicates. */
export function sortScalars(scalars: Scalar[]): Scalar[] {
  scalars.sort((a, b) => a.start - b.start || b.end - a.end);
  return scalars;
}

/**
 * A record's value field, and the sibling fields that name it, in order of preference:
 * `{name: MISP_KEY, value: …}` (Kubernetes, ECS), CloudFormation `{ParameterKey, ParameterValue}`, AWS tags.
 */
export const RECORD_VALUE = /^(?:value|Value|ParameterValue|OptionValue|default|Default)$/;
export const RECORD_NAMES = ['name', 'key', 'target', 'Name', 'Key', 'ParameterKey', 'OptionName'];
