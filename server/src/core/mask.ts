/**
 * The only way a secret's text may reach a message: a masked preview.
 * Everything that builds user-visible text from a scanned value goes through here.
 */

/** Masked preview of a secret: its first 4 characters and an ellipsis. */
export function mask(secret: string): string {
  if (secret.length <= 8) return '…';
  return `${secret.slice(0, 4)}…`;
}

const KEY_LIKE = /(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g;

/**
 * Masks every run of 40 or more key characters: a MISP key on its own, or glued to other letters (a
 * terminal colour code `ESC[1mKEY`, an escape `\nKEY`, a prefix). A last guard on any text that
 * leaves the engine (messages, logs, errors); a long run in a message is never worth showing whole.
 */
export function redact(text: string): string {
  return text.replace(/[A-Za-z0-9]{40,}/g, (m) => (m.length > 40 && WORDS_ONLY.test(m) ? m : mask(m)));
}

/** A long identifier made of words, no digits (DangerousAcceptAnyServerCertificateValidator): not a secret. */
const WORDS_ONLY = /^(?:[A-Z]*[a-z]{2,})+[A-Z]*$/;

/** True when the text holds a whole-token run of 40 key characters (a possible unmasked key). */
export function containsKeyLike(text: string): boolean {
  KEY_LIKE.lastIndex = 0;
  return KEY_LIKE.test(text);
}
