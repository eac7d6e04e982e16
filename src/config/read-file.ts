import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DeployerError } from '../domain/errors.js';

/** A config is a few kilobytes; anything near this is not one, and is refused before it is read. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/**
 * The bytes of a config file. Only a regular file is read: a FIFO or a device
 * would block or never end. The file is opened without blocking and checked
 * through its descriptor, so what is checked is what is read.
 */
export async function readConfigBytes(path: string): Promise<Buffer> {
  const handle = await openForReading(path);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new DeployerError('config.not_regular_file', `Config file ${path} is ${kindOf(stats)}, not a regular file`, {
        where: path,
        fix: 'pass the TOML or JSON environment file itself, for example envs/my-tracker.toml',
      });
    }
    if (stats.size > MAX_CONFIG_BYTES) throw tooLarge(path);
    return await readAtMost(handle, path);
  } finally {
    await handle.close();
  }
}

async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'it does not exist'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : (error as Error).message;
    throw new DeployerError('config.file_unreadable', `Cannot read config file ${path}: ${reason}`, {
      where: path,
      fix: code === 'ENOENT' ? 'check the path, or create a starter with `ttd create template`' : 'check the path and its permissions',
    });
  }
}

/** Reads to the end, but never more than the cap: a file may grow after it was checked. */
async function readAtMost(handle: FileHandle, path: string): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(MAX_CONFIG_BYTES + 1, 64 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > MAX_CONFIG_BYTES) throw tooLarge(path);
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
}

function tooLarge(path: string): DeployerError {
  return new DeployerError('config.too_large', `Config file ${path} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB: no environment config is that large`, {
    where: path,
    fix: 'pass the environment file itself (a config is a few kilobytes)',
  });
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'an unknown kind of file';
}
