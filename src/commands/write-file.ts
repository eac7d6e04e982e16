import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CommandContext } from '../cli/context.js';
import { DeployerError } from '../domain/errors.js';

/**
 * Writes a new file (mode 0600 when it holds secrets); refuses to replace one unless
 * forced. A replaced file keeps its old mode while it is written, so for secrets the
 * mode is narrowed first, and set again after in case the file appeared meanwhile.
 */
export async function writeNewFile(path: string, content: string, options: { force: boolean; secret: boolean }): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    if (options.secret && options.force) await chmod(path, 0o600).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOENT') throw error; });
    await writeFile(path, content, { flag: options.force ? 'w' : 'wx', mode: options.secret ? 0o600 : 0o644 });
    if (options.secret) await chmod(path, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw fileExistsError(path);
    throw new DeployerError('io.write_failed', `Cannot write ${path}: ${(error as Error).message}`, { where: path, fix: 'check the directory exists and is writable' });
  }
}

/** What writeNewFile would refuse, checked without writing (for --dry-run). */
export function refuseExistingFile(path: string, options: { force: boolean }): void {
  if (!options.force && existsSync(path)) throw fileExistsError(path);
}

function fileExistsError(path: string): DeployerError {
  return new DeployerError('file.exists', `${path} already exists`, { where: path, fix: 'pass --force to overwrite it, or give another path' });
}

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
