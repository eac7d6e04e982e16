import type { Reporter, TestModule } from 'vitest/node';
import { enableAdvice, type AssessedNeed } from './needs.mjs';

/**
 * Ends the run with the parts of the suite that could not run on this machine: each skipped
 * need with its reason and how many of its tests did not run, the total, and the one command
 * that enables them. Silent when nothing was skipped for a need.
 */
export class SkipSummaryReporter implements Reporter {
  constructor(private readonly skipped: readonly AssessedNeed[]) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (this.skipped.length === 0) return;
    const notRun = new Map(this.skipped.map((need) => [need.tag, 0]));
    let total = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.result().state !== 'skipped') continue;
        const need = test.tags.find((tag) => notRun.has(tag));
        if (need === undefined) continue;
        notRun.set(need, notRun.get(need)! + 1);
        total += 1;
      }
    }
    const lines = [
      '',
      `Not run on this machine: ${total} test${total === 1 ? '' : 's'}, in ${this.skipped.length} part${this.skipped.length === 1 ? '' : 's'} of the suite:`,
      ...this.skipped.map((need) => `  - ${need.tag} (${notRun.get(need.tag)} tests): ${need.title}; ${need.reason}`),
      ...enableAdvice(this.skipped).map((line) => `  ${line}`),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
