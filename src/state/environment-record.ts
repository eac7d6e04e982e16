import type { ConfigFormat } from '../config/document.js';
import type { SettledState, StateName } from '../domain/states.js';

export const STATE_FORMAT_VERSION = 2;

/** Why and where a stage failed: enough for `show` to say what to do. */
export interface FailureRecord {
  readonly command: string;
  readonly step: string;
  readonly step_title: string;
  readonly error: string;
  readonly at: string;
  readonly hint: string;
}

/** Something a provider created for the environment; recorded the moment it exists so it can never be forgotten. */
export interface ResourceRecord {
  readonly provider: string;
  readonly kind: string;
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
}

export interface HistoryEntry {
  readonly command: string;
  readonly started_at: string;
  readonly finished_at: string;
  readonly outcome: 'succeeded' | 'failed' | 'interrupted';
  readonly error?: string;
}

/**
 * data/<env>/environment.json. The config snapshot is the document as written,
 * so secrets given as ${VAR} stay references; the file is 0600 in a 0700 directory.
 */
export interface EnvironmentRecord {
  readonly format_version: typeof STATE_FORMAT_VERSION;
  readonly name: string;
  readonly state: StateName;
  /** The furthest settled state reached; with `state` it says where a resume starts. */
  readonly reached: SettledState;
  readonly state_since: string;
  readonly created_at: string;
  readonly failure?: FailureRecord;
  readonly config: {
    readonly source_file: string;
    readonly format: ConfigFormat;
    readonly snapshot: Record<string, unknown>;
  };
  readonly instance: {
    readonly address?: string;
    readonly ssh_port?: number;
    readonly ssh_host_key?: string;
    readonly method?: 'provisioned' | 'registered';
  };
  readonly resources: readonly ResourceRecord[];
  readonly history: readonly HistoryEntry[];
}

export function newEnvironmentRecord(input: {
  name: string;
  createdAt: string;
  command: string;
  config: EnvironmentRecord['config'];
}): EnvironmentRecord {
  return {
    format_version: STATE_FORMAT_VERSION,
    name: input.name,
    state: 'created',
    reached: 'created',
    state_since: input.createdAt,
    created_at: input.createdAt,
    config: input.config,
    instance: {},
    resources: [],
    history: [{ command: input.command, started_at: input.createdAt, finished_at: input.createdAt, outcome: 'succeeded' }],
  };
}
