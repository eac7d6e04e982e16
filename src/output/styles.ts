/**
 * The five terminal styles the reporter and the log's stderr copy use, written as the SGR
 * codes chalk writes at its 16-colour level. Not chalk itself: importing it (and its
 * terminal probing) cost `ttd validate` about 8 ms of its start-up, and the commands
 * that print plainly need nothing more (docs/decisions/bundled-cli.md). Ink's screens
 * keep chalk: screens/ink-colors.ts.
 */
export interface Styles {
  /** Whether these styles write colour at all. */
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

export function terminalStyles(enabled: boolean): Styles {
  const style = (open: number, close: number) => (enabled ? (text: string) => `\u001B[${open}m${text}\u001B[${close}m` : (text: string) => text);
  return { enabled, bold: style(1, 22), dim: style(2, 22), red: style(31, 39), green: style(32, 39), yellow: style(33, 39) };
}
