import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigFormat } from '../config/document.js';
import { writeFileAtomic } from './atomic-write.js';

export const STATE_FORMAT_VERSION = 1;

/**
 * data/<env>/environment.json. The config snapshot is the file as written, so
 * secrets given as ${VAR} stay references; the file is 0600 in a 0700 directory.
 */
export interface EnvironmentRecord {
  readonly format_version: typeof STATE_FORMAT_VERSION;
  readonly name: string;
  readonly state: string;
  readonly created_at: string;
  readonly config: {
    readonly source_file: string;
    readonly format: ConfigFormat;
    readonly snapshot: Record<string, unknown>;
  };
  readonly history: readonly { readonly command: string; readonly at: string; readonly outcome: 'succeeded' | 'failed' }[];
}

export function environmentDir(workingDir: string, name: string): string {
  return join(workingDir, 'data', name);
}

export function environmentFile(workingDir: string, name: string): string {
  return join(environmentDir(workingDir, name), 'environment.json');
}

/** Creates the record; false when one already exists (nothing is changed then). */
export async function createEnvironmentRecord(workingDir: string, record: EnvironmentRecord): Promise<boolean> {
  const directory = environmentDir(workingDir, record.name);
  await mkdir(join(workingDir, 'data'), { recursive: true, mode: 0o700 });
  try {
    await mkdir(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await writeFileAtomic(environmentFile(workingDir, record.name), `${JSON.stringify(record, null, 2)}\n`, 0o600);
  return true;
}

export async function readEnvironmentRecord(workingDir: string, name: string): Promise<EnvironmentRecord | undefined> {
  try {
    return JSON.parse(await readFile(environmentFile(workingDir, name), 'utf8')) as EnvironmentRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
