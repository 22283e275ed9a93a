/**
 * Settings per document: pulled with `workspace/configuration` (scoped to the document) when the
 * client supports it, cached until the configuration changes; otherwise the settings pushed with
 * `workspace/didChangeConfiguration`, or the defaults.
 */
import type { Connection, DidChangeConfigurationParams } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, normalizeSettings } from './settings';
import type { Settings } from './settings';

/** The configuration section every setting lives under. */
export const SETTINGS_SECTION = 'mispGuard';

/** Settings for documents, with a per-document cache. */
export class DocumentSettings {
  private readonly cache = new Map<string, Promise<Settings>>();
  private global: Settings = normalizeSettings(DEFAULT_SETTINGS);

  /**
   * @param connection where `workspace/configuration` requests go
   * @param pull whether the client supports `workspace/configuration`
   * @param onError receives failures of a configuration request (the defaults are used then)
   */
  constructor(
    private readonly connection: Connection,
    private readonly pull: boolean,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Settings for the document at `uri`. A client answering `null` gets the defaults. */
  get(uri: string): Promise<Settings> {
    if (!this.pull) return Promise.resolve(this.global);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then(normalizeSettings, (error: unknown) => {
          this.onError(error);
          return this.global;
        });
      this.cache.set(uri, settings);
    }
    return settings;
  }

  /** Drops cached settings; takes pushed settings when the client cannot be asked. */
  changed(params: DidChangeConfigurationParams): void {
    this.cache.clear();
    if (!this.pull) {
      const all: unknown = params.settings;
      const section = typeof all === 'object' && all !== null ? (all as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
      this.global = normalizeSettings(section);
    }
  }

  /** Forgets the settings of a closed document. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
