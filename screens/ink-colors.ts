import chalk from 'chalk';

/**
 * Ink styles text through chalk's shared instance, which reads FORCE_COLOR and the
 * terminal but not NO_COLOR: a command that decided on no colour (--no-color, NO_COLOR,
 * a stream that is not a terminal) turns it off here before it draws a screen. Only the
 * screens import chalk; the reporter has its own styles (src/output/styles.ts).
 */
export function matchInkColors(enabled: boolean): void {
  if (!enabled) chalk.level = 0;
}
