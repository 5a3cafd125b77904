/**
 * JSON text for `--json` output. Compact (one line) when stdout is not a terminal, as scripts read
 * it; indented by two spaces on a terminal, for people. Both parse to the same value.
 */

// JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is CSI to some terminals) and bidi overrides raw.
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `value` as JSON text (no trailing newline) that is safe to print to a terminal. */
export function jsonText(value: unknown, pretty: boolean): string {
  const json = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
