/**
 * SARIF helpers for the CLI tests: schema validation against the official 2.1.0 schema
 * (kept as test data) and resolution of result locations to files on disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type * as sarif from 'sarif';
import { PROJECT_ROOT } from './cliHarness';

const SCHEMA_PATH = path.join(PROJECT_ROOT, 'test', 'cli', 'schemas', 'sarif-schema-2.1.0.json');

let validator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

/** Validates a SARIF log against the official schema; returns the error list (empty when valid). */
export function sarifSchemaErrors(log: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as object);
  }
  if (validator(log)) return [];
  return ((validator.errors ?? []) as { instancePath: string; message?: string }[]).map((e) => `${e.instancePath} ${e.message}`);
}

/** Absolute file path of an artifact location, resolved through the run's originalUriBaseIds. */
export function resolveArtifact(run: sarif.Run, loc: sarif.ArtifactLocation | undefined): string {
  assert(loc?.uri !== undefined, 'artifact location without uri');
  const baseId = loc.uriBaseId;
  const base = baseId === undefined ? undefined : run.originalUriBaseIds?.[baseId]?.uri;
  assert(base !== undefined, `uriBaseId ${baseId} is not declared in originalUriBaseIds`);
  assert(base.startsWith('file:///') && base.endsWith('/'), `base ${base} must be a file URI ending in '/'`);
  return fileURLToPath(new URL(loc.uri, base));
}

/** Every result of the first run as { file, line, ruleId, message }. */
export function sarifResults(log: sarif.Log): { file: string; line: number; column: number; ruleId: string; message: string }[] {
  const run = log.runs[0];
  return (run.results ?? []).map((r) => {
    const phys = r.locations?.[0]?.physicalLocation;
    return {
      file: resolveArtifact(run, phys?.artifactLocation),
      line: phys?.region?.startLine ?? 0,
      column: phys?.region?.startColumn ?? 0,
      ruleId: r.ruleId ?? '',
      message: r.message.text ?? '',
    };
  });
}

function assert(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(message);
}
