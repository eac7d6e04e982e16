import { useStdout } from 'ink';
import { SUMMARY_VALUE_COLUMN } from '../../src/config/summary.js';
import type { SummaryRow } from '../../src/wizard/short-path.js';
import { ScrollingLines, type ShownLine } from './ScrollingLines.js';
import { wrapLine } from './wrap.js';

/** Rows a screen keeps for a frame one line short of the terminal, which Ink redraws in place. */
const SPARE_ROW = 1;

/**
 * "What it deploys" (each defaulted setting's reason under it, dimmed), then the provider's lines
 * (Hetzner: the cost line): wrapped to the terminal's width, scrolling in the rows the screen's
 * other `reservedRows` leave.
 */
export function SummaryLines({ rows, providerLines, reservedRows }: { readonly rows: readonly SummaryRow[]; readonly providerLines: readonly string[]; readonly reservedRows: number }) {
  const { stdout } = useStdout();
  const width = stdout.columns > 0 ? stdout.columns : 80;
  const lines: ShownLine[] = [
    ...rows.flatMap((row) => [
      ...wrapLine(row.line, width, SUMMARY_VALUE_COLUMN).map((text) => ({ text })),
      ...row.reasons.flatMap((reason) => wrapLine(`${' '.repeat(SUMMARY_VALUE_COLUMN)}↳ ${reason}`, width, SUMMARY_VALUE_COLUMN + 2).map((text) => ({ text, dim: true }))),
    ]),
    ...providerLines.flatMap((line) => wrapLine(line, width, 2).map((text) => ({ text }))),
  ];
  const height = stdout.rows > 0 ? stdout.rows - reservedRows - SPARE_ROW : undefined;
  return <ScrollingLines lines={lines} height={height} />;
}
