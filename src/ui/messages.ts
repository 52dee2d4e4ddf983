/** Error → one line of text for the UI: whitespace collapsed, long messages cut. */

/** The longest message shown, in characters. */
export const MAX_MESSAGE_LENGTH = 240;

export function oneLine(error: unknown, prefix = ''): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  const text = (prefix ? `${prefix}: ` : '') + (raw.replace(/\s+/g, ' ').trim() || 'unknown error');
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}
