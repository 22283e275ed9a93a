/** The analysed form of one document (or one part of it, such as a notebook cell), shared by the rules. */
import type { Flavor, FormatId } from './types';
import type { CodeToken } from './formats/code';
import type { Scalar } from './formats/scalars';
import type { EncodedCandidate } from './formats/yaml';

/** Everything the rules need to know about a text. */
export interface Doc {
  text: string;
  format: FormatId;
  flavor: Flavor;
  path: string;
  /** The whole file (not only this part) mentions MISP. */
  fileMisp: boolean;
  /** Names the file uses as a MISP key (lower case); computed on first use. */
  usedAsKey: () => Set<string>;
  /** User-supplied patterns for MISP key names. */
  extraNames: RegExp[];
  /** String literals and comments, for program source. */
  tokens?: CodeToken[];
  /** Values with key paths, for structured config. */
  scalars?: Scalar[];
  /** Values found by decoding (base64 Secret data). */
  encoded?: EncodedCandidate[];
  /** This text is a saved notebook output. */
  output?: boolean;
  /** Prose: report keys, not settings (a sentence mentioning `verify=False` sets nothing). */
  prose?: boolean;
}
