import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
