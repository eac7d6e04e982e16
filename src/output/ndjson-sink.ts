import type { EngineEvent, EventSink } from '../plan/events.js';
import type { Output } from './console.js';

/** The final line of every --json run: what happened, and the error when it failed. */
export interface ResultRecord {
  readonly type: 'result';
  readonly ok: boolean;
  readonly exit_code: number;
  readonly command: string;
  readonly [key: string]: unknown;
}

/** One smoke check's outcome, as `test` streams them. */
export interface CheckRecord {
  readonly type: 'check';
  readonly title: string;
  readonly kind: string;
  readonly target: string;
  readonly status: 'pass' | 'fail' | 'warn';
  readonly message: string;
  readonly fix?: string;
}

/** What an edited config changes on a deployed environment, before `deploy` applies it. */
export interface ConfigChangedRecord {
  readonly type: 'config.changed';
  readonly environment: string;
  readonly services: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly files: { readonly added: readonly string[]; readonly changed: readonly string[]; readonly removed: readonly string[] };
}

export type NdjsonRecord = (EngineEvent & { readonly at: string }) | { readonly type: 'plan'; readonly [key: string]: unknown } | CheckRecord | ConfigChangedRecord | ResultRecord;

/**
 * --json: one JSON object per line on stdout, events first (each with the time
 * it happened), then one result object (docs/reference/json-events.md).
 */
export class NdjsonWriter {
  constructor(
    private readonly output: Pick<Output, 'record'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Events: the session has logged them already. */
  readonly sink: EventSink = (event) => {
    const record: NdjsonRecord = { ...event, at: this.now().toISOString() };
    this.output.record(record, { logged: true });
  };

  line(record: NdjsonRecord): void {
    this.output.record(record);
  }
}
