import type { NdjsonRecord } from './ndjson-sink.js';

/**
 * Every `type` a --json line can have, at run time, so the reference
 * (docs/reference/json-events.md) is tested against it. `satisfies` keeps the
 * typed ones in step with NdjsonRecord: a type added there fails to compile until
 * it is listed here, and then the docs test fails until it is documented.
 */
const TYPED_RECORDS = {
  'lock.acquired': true,
  'plan.started': true,
  'stage.started': true,
  'stage.finished': true,
  'step.started': true,
  'step.command': true,
  'step.output': true,
  'step.attempt': true,
  'stop.requested': true,
  'step.skipped': true,
  'step.succeeded': true,
  'step.failed': true,
  'step.warned': true,
  'step.undo.started': true,
  'step.undo.succeeded': true,
  'step.undo.failed': true,
  'step.notice': true,
  'dns.records': true,
  'state.changed': true,
  'plan.finished': true,
  plan: true,
  check: true,
  'config.changed': true,
  result: true,
} as const satisfies Record<NdjsonRecord['type'], true>;

/** Lines `logs` prints outside NdjsonRecord. */
const DAY_TWO_RECORDS = ['log'] as const;

export const JSON_RECORD_TYPES: readonly string[] = [...Object.keys(TYPED_RECORDS), ...DAY_TWO_RECORDS];
