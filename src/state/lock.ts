import { hostname } from 'node:os';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeployerError } from '../domain/errors.js';
import { environmentDir } from './store.js';

/** Who holds an environment's lock: enough for the loser to know whom to wait for. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

export interface HeldLock {
  readonly holder: LockHolder;
  /** The holder this lock was taken over from, when its process had died. */
  readonly tookOverFrom: LockHolder | undefined;
  release(): Promise<void>;
}

export interface LockOptions {
  readonly command: string;
  /** How long to wait for a live holder; 0 fails at once. */
  readonly waitSeconds?: number;
  readonly pollMilliseconds?: number;
  readonly signal?: AbortSignal;
}

export function lockFile(workingDir: string, name: string): string {
  return join(environmentDir(workingDir, name), 'lock');
}

/**
 * One mutating command per environment at a time. The lock is a file created
 * with O_EXCL holding the holder as JSON; a lock whose process is dead (same
 * host) is stale and taken over. Taking over goes through a second O_EXCL file
 * so two processes that both see the stale lock cannot both remove a fresh one.
 */
export async function acquireLock(workingDir: string, name: string, options: LockOptions): Promise<HeldLock> {
  const path = lockFile(workingDir, name);
  const holder: LockHolder = { pid: process.pid, host: hostname(), command: options.command, since: new Date().toISOString() };
  const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
  let tookOverFrom: LockHolder | undefined;

  for (;;) {
    if (await tryCreate(path, holder)) {
      return { holder, tookOverFrom, release: () => releaseLock(path, holder) };
    }
    const current = await readHolder(path);
    if (current === undefined) continue; // released between our attempt and the read
    if (isStale(current)) {
      if (await takeOver(path, current)) tookOverFrom = current;
      continue;
    }
    if (Date.now() >= deadline || options.signal?.aborted) throw lockedError(name, current, options.waitSeconds ?? 0);
    await sleep(options.pollMilliseconds ?? 100);
  }
}

/** What acquireLock without waiting would throw, checked without taking the lock (a dry run's preflight). */
export async function assertLockFree(workingDir: string, name: string): Promise<void> {
  const current = await readHolder(lockFile(workingDir, name));
  if (current && !isStale(current)) throw lockedError(name, current, 0);
}

export async function readHolder(path: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { pid: parsed.pid, host: parsed.host, command: String(parsed.command ?? 'unknown'), since: String(parsed.since ?? 'unknown') };
    }
  } catch {
    // Not ours: the lock is always linked into place complete.
  }
  return { pid: 0, host: hostname(), command: 'unknown (unreadable lock file)', since: 'unknown' };
}

function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false; // a process on another machine cannot be checked
  return holder.pid <= 0 || !processAlive(holder.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the holder to a private file, then links it into place: the lock never exists half-written. */
async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(holder));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DeployerError('environment.not_found', `The environment's directory is gone (${path})`, { where: path });
    }
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Removes a stale lock unless someone else is already doing so or it changed meanwhile. */
async function takeOver(path: string, stale: LockHolder): Promise<boolean> {
  const guard = `${path}.takeover`;
  const me: LockHolder = { pid: process.pid, host: hostname(), command: 'lock takeover', since: new Date().toISOString() };
  if (!(await tryCreate(guard, me))) {
    const guardHolder = await readHolder(guard);
    if (guardHolder && isStale(guardHolder)) await unlink(guard).catch(() => undefined);
    await sleep(10);
    return false;
  }
  try {
    const current = await readHolder(path);
    if (current && sameHolder(current, stale)) {
      await unlink(path).catch(() => undefined);
      return true;
    }
    return false;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

async function releaseLock(path: string, holder: LockHolder): Promise<void> {
  const current = await readHolder(path);
  if (current && sameHolder(current, holder)) await unlink(path).catch(() => undefined);
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since && a.command === b.command;
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host}, running '${holder.command}' since ${holder.since}`;
}

function lockedError(name: string, holder: LockHolder, waited: number): DeployerError {
  return new DeployerError('environment.locked', `Environment '${name}' is busy: ${describeHolder(holder)}`, {
    where: `data/${name}/lock`,
    fix: waited > 0
      ? `waited ${waited}s; wait for that command to finish, or pass a longer --lock-wait SECONDS`
      : 'wait for that command to finish, or pass --lock-wait SECONDS to wait for it',
    data: { holder },
  });
}
