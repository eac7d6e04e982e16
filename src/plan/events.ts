import { maskSecretsDeep } from '../domain/mask-secrets.js';
import type { StateName } from '../domain/states.js';
import type { StepKind } from './types.js';
import type { DnsRecord } from '../domain/dns-records.js';

/**
 * What the executor reports while it runs a plan. Every sink (listr2 tree,
 * plain lines, NDJSON, the log file) is a function of this stream; the JSON
 * form is documented in docs/reference/json-events.md.
 */
export type EngineEvent =
  | { readonly type: 'plan.started'; readonly environment: string; readonly command: string; readonly stages: readonly { readonly stage: string; readonly steps: readonly { readonly id: string; readonly title: string; readonly kind: StepKind }[] }[] }
  | { readonly type: 'lock.acquired'; readonly environment: string; readonly took_over_from?: { readonly pid: number; readonly host: string; readonly command: string; readonly since: string } }
  | { readonly type: 'stage.started'; readonly stage: string }
  | { readonly type: 'stage.finished'; readonly stage: string; readonly outcome: 'succeeded' | 'failed' | 'interrupted' }
  | { readonly type: 'step.started'; readonly stage: string; readonly step: string; readonly title: string; readonly kind: StepKind }
  | { readonly type: 'step.command'; readonly step: string; readonly command: string }
  | { readonly type: 'step.output'; readonly step: string; readonly stream: 'stdout' | 'stderr'; readonly line: string }
  /**
   * A wait (or a connection) tried and is trying again: the attempt's number, the time since
   * the first, and why it failed; `retry_in_ms` is absent on the last one.
   */
  | { readonly type: 'step.attempt'; readonly step: string; readonly attempt: number; readonly elapsed_ms: number; readonly error: string; readonly retry_in_ms?: number }
  /** The first Ctrl-C: the run stops at the next safe point (a second one aborts). */
  | { readonly type: 'stop.requested'; readonly message: string }
  | { readonly type: 'step.skipped'; readonly step: string; readonly reason: string }
  | { readonly type: 'step.succeeded'; readonly step: string }
  | { readonly type: 'step.failed'; readonly step: string; readonly error: string }
  /** A step after the commit point failed: what it should have done is left undone, the command still succeeds. */
  | { readonly type: 'step.warned'; readonly step: string; readonly error: string }
  /** After a failure or Ctrl-C, a step that ran is undone: last first, the failed one included. */
  | { readonly type: 'step.undo.started'; readonly step: string; readonly title: string }
  | { readonly type: 'step.undo.succeeded'; readonly step: string }
  /** The undo failed; the undos of the steps before it still run. */
  | { readonly type: 'step.undo.failed'; readonly step: string; readonly error: string }
  /** Something the user should know before the step acts: what it costs (`info`), a deprecated choice (`warning`). */
  | { readonly type: 'step.notice'; readonly step: string; readonly level: 'info' | 'warning'; readonly message: string }
  /** The records that point the domains at the instance: shown once its address is known, and when the DNS gate waits for them. */
  | { readonly type: 'dns.records'; readonly step: string; readonly address: string; readonly records: readonly DnsRecord[] }
  | { readonly type: 'state.changed'; readonly environment: string; readonly from: StateName; readonly to: StateName }
  | { readonly type: 'plan.finished'; readonly outcome: 'succeeded' | 'failed' | 'interrupted' };

export type EventType = EngineEvent['type'];
export type EventSink = (event: EngineEvent) => void;

export function fanOut(sinks: readonly EventSink[]): EventSink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}

/** Masks every secret value in every string of an event before any sink sees it. */
export function masking(secrets: readonly string[], sink: EventSink): EventSink {
  const values = secrets.filter((secret) => secret.length >= 4);
  if (values.length === 0) return sink;
  return (event) => sink(maskSecretsDeep(event, values));
}
