import { ALL_STATES, isSettled, isStateName, type SettledState } from '../domain/states.js';
import { DeployerError } from '../domain/errors.js';
import { rustDeployerEnvironment, rustDeployerStateError } from './rust-deployer-state.js';
import { STATE_FORMAT_VERSION, type EnvironmentRecord } from './environment-record.js';

type Migration = (record: Record<string, unknown>) => Record<string, unknown>;

/**
 * One function per format change, from version N to N+1. A record is migrated
 * in memory when read and written in the new format by the next command that saves it.
 */
const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // v1 (issue 2) held `state` and a history of {command, at, outcome}.
  1: (record) => {
    const state = isStateName(record['state']) ? record['state'] : 'created';
    const history = Array.isArray(record['history']) ? (record['history'] as { command: string; at: string; outcome: string }[]) : [];
    const createdAt = typeof record['created_at'] === 'string' ? record['created_at'] : new Date(0).toISOString();
    return {
      ...record,
      format_version: 2,
      state,
      reached: isSettled(state) ? state : ('created' satisfies SettledState),
      state_since: history.at(-1)?.at ?? createdAt,
      instance: {},
      resources: [],
      history: history.map((entry) => ({ command: entry.command, started_at: entry.at, finished_at: entry.at, outcome: entry.outcome })),
    };
  },
};

export function migrateRecord(raw: unknown, file: string): EnvironmentRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt(file, 'it is not a JSON object');
  const rust = rustDeployerEnvironment(raw);
  if (rust) throw rustDeployerStateError(file, rust);
  let record = raw as Record<string, unknown>;
  const declared = record['format_version'];
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) throw corrupt(file, 'format_version is missing');
  let version = declared;
  if (version > STATE_FORMAT_VERSION) {
    throw new DeployerError('state.unsupported_version', `${file} has format version ${version}; this deployer reads up to ${STATE_FORMAT_VERSION}`, {
      where: file,
      fix: 'upgrade torrust-tracker-deployer (npm install -g torrust-tracker-deployer@latest)',
    });
  }
  while (version < STATE_FORMAT_VERSION) {
    const migrate = MIGRATIONS[version];
    if (!migrate) throw corrupt(file, `no migration from format version ${version}`);
    record = migrate(record);
    version = record['format_version'] as number;
  }
  if (typeof record['name'] !== 'string' || !isStateName(record['state']) || !isSettled(record['reached'] as never)) {
    throw corrupt(file, `name, state (one of ${ALL_STATES.join(', ')}) or reached is missing`);
  }
  return record as unknown as EnvironmentRecord;
}

function corrupt(file: string, why: string): DeployerError {
  return new DeployerError('state.corrupt', `${file} cannot be read: ${why}`, {
    where: file,
    fix: 'restore the file from a backup, or remove the environment with ttd purge ENV --force (the infrastructure is not touched)',
  });
}
