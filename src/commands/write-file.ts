import { resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { refuseExistingFile, writeNewFile } from '../state/new-file.js';

/**
 * A JSON document for `create schema` and `docs`: on stdout when no path is given
 * (with --json, as the result line's `document`), else written to the path
 * (--dry-run says so only).
 */
export async function printOrWriteDocument(context: CommandContext, document: unknown, target: string | undefined, options: { force: boolean; resultKey: string }): Promise<number> {
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (target === undefined) {
    context.output.resultJson({ document });
    context.output.result(text);
    return 0;
  }
  const path = resolve(target);
  if (context.dryRun) {
    refuseExistingFile(path, options);
    context.output.resultJson({ dry_run: true, would_write: [path] });
    context.output.result(`Would write ${path}`);
    return 0;
  }
  await writeNewFile(path, text, { force: options.force, secret: false });
  context.output.resultJson({ [options.resultKey]: path });
  context.output.success(`Wrote ${path}`);
  return 0;
}
