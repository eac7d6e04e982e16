/** Longest line of a message shown on the terminal; a value pasted by mistake can be megabytes long. */
export const MAX_LINE = 400;

/**
 * A message as the terminal may show it: control characters from user data
 * (a terminal escape sequence in a config value) are written as \xNN, and a
 * line too long to read is cut, saying how much was left out.
 */
export function printable(message: string): string {
  return message
    .split('\n')
    .map((line) => {
      const escaped = line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);
      return escaped.length <= MAX_LINE ? escaped : `${escaped.slice(0, MAX_LINE)}… (${escaped.length - MAX_LINE} more characters)`;
    })
    .join('\n');
}
