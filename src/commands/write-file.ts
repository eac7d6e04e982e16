import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeployerError } from '../domain/errors.js';

/** Writes a new file (mode 0600 when it holds secrets); refuses to replace one unless forced. */
export async function writeNewFile(path: string, content: string, options: { force: boolean; secret: boolean }): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, { flag: options.force ? 'w' : 'wx', mode: options.secret ? 0o600 : 0o644 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new DeployerError('file.exists', `${path} already exists`, { where: path, fix: 'pass --force to overwrite it, or give another path' });
    }
    throw new DeployerError('io.write_failed', `Cannot write ${path}: ${(error as Error).message}`, { where: path, fix: 'check the directory exists and is writable' });
  }
}
