import { printable } from '../output/printable.js';
import type { Output } from '../output/console.js';
import type { ConfigProblem } from './problems.js';

/** "file:line key" — as precise as the problem allows, so editors can jump to it. */
export function problemLocation(file: string, problem: ConfigProblem): string {
  const position = problem.line === undefined ? file : `${file}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return problem.path ? `${position} ${problem.path}` : position;
}

export function printProblems(output: Output, file: string, problems: readonly ConfigProblem[]): void {
  for (const problem of problems) {
    const text = printable(`${problemLocation(file, problem)}: ${problem.message}\n    Fix: ${problem.fix}`);
    if (problem.severity === 'error') output.error(text);
    else output.warn(text);
  }
}
