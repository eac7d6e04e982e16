/** Literals for the formats the render writes, so a value can never break out of its place. */

/** A YAML double-quoted scalar (JSON strings are valid YAML 1.2 double-quoted scalars). */
export function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** A TOML basic string (JSON's escapes, plus DEL). */
export function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\u007f/g, '\\u007F');
}

/**
 * A value in compose's .env: single quotes keep it literal (no ${} expansion).
 * Compose lets a backslash escape the closing quote even there, so a value holding
 * a single quote or a backslash goes in double quotes, escaping what compose expands there.
 */
export function dotenvValue(value: string): string {
  if (/[\n\r]/.test(value)) throw new Error('a .env value cannot hold a line break');
  if (!/['\\]/.test(value)) return `'${value}'`;
  return `"${value.replace(/[\\"$]/g, (character) => `\\${character}`)}"`;
}

/** A Caddyfile token: bare when it is safe, quoted otherwise. */
export function caddyToken(value: string): string {
  return /^[A-Za-z0-9_.:@/+-]+$/.test(value) ? value : JSON.stringify(value);
}
