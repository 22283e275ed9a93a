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
 * Replaces every whole-token run of exactly 40 key characters (the shape of a MISP key) by its
 * masked preview. A last guard on any text that leaves the engine (messages, logs, errors).
 */
export function redact(text: string): string {
  return text.replace(/(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g, (m) => mask(m));
}

/** True when the text holds a whole-token run of 40 key characters (a possible unmasked key). */
export function containsKeyLike(text: string): boolean {
  KEY_LIKE.lastIndex = 0;
  return KEY_LIKE.test(text);
}
