import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DeployerError } from '../domain/errors.js';
import { writeFileAtomic } from './atomic-write.js';
import type { EnvironmentRecord } from './environment-record.js';
import { migrateRecord } from './migrations.js';

export function dataRoot(workingDir: string): string {
  return join(workingDir, 'data');
}

export function environmentDir(workingDir: string, name: string): string {
  return join(dataRoot(workingDir), name);
}

export function environmentFile(workingDir: string, name: string): string {
  return join(environmentDir(workingDir, name), 'environment.json');
}

export function buildDir(workingDir: string, name: string): string {
  return join(workingDir, 'build', name);
}

/** Creates the record; false when one already exists (nothing is changed then). */
export async function createEnvironmentRecord(workingDir: string, record: EnvironmentRecord): Promise<boolean> {
  await mkdir(dataRoot(workingDir), { recursive: true, mode: 0o700 });
  try {
    await mkdir(environmentDir(workingDir, record.name), { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await saveEnvironmentRecord(workingDir, record);
  return true;
}

/** Atomic (write, fsync, rename) and 0600: a crash leaves the old record or the new one. */
export async function saveEnvironmentRecord(workingDir: string, record: EnvironmentRecord): Promise<void> {
  await writeFileAtomic(environmentFile(workingDir, record.name), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

export async function readEnvironmentRecord(workingDir: string, name: string): Promise<EnvironmentRecord | undefined> {
  const file = environmentFile(workingDir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DeployerError('state.corrupt', `${file} is not valid JSON`, {
      where: file,
      fix: 'restore the file from a backup, or remove the environment with ttd purge ENV --force (the infrastructure is not touched)',
    });
  }
  return migrateRecord(raw, file);
}

/** The record, or an error naming the environments that do exist. */
export async function requireEnvironmentRecord(workingDir: string, name: string): Promise<EnvironmentRecord> {
  const record = await readEnvironmentRecord(workingDir, name);
  if (record) return record;
  const known = await listEnvironmentNames(workingDir);
  // The wizard just wrote envs/<name>.toml: the user means that file, which is not deployed yet.
  const written = join('envs', `${name}.toml`);
  if (existsSync(join(workingDir, written))) {
    throw new DeployerError('environment.not_found', `'${name}' is not an environment yet, but ${written} is its config`, {
      where: join(workingDir, written),
      fix: `deploy the file: ttd deploy ${written} (it creates the environment '${name}' first)`,
    });
  }
  throw new DeployerError('environment.not_found', `No environment '${name}' in ${dataRoot(workingDir)}`, {
    where: environmentFile(workingDir, name),
    fix: known.length > 0 ? `known environments: ${known.join(', ')} (ttd list)` : `create it first: ttd create environment --env-file envs/${name}.toml (or ttd deploy envs/${name}.toml)`,
  });
}

/** Names of the directories under data/ that hold an environment.json, sorted. */
export async function listEnvironmentNames(workingDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dataRoot(workingDir), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    try {
      await readFile(environmentFile(workingDir, entry.name));
      names.push(entry.name);
    } catch {
      // A directory without a record is not an environment (logs/, a half-purged one).
    }
  }
  return names.sort();
}

/** Removes data/<env>/ and build/<env>/. */
export async function removeEnvironmentData(workingDir: string, name: string): Promise<string[]> {
  const removed = [environmentDir(workingDir, name), buildDir(workingDir, name)];
  for (const directory of removed) await rm(directory, { recursive: true, force: true });
  return removed;
}
