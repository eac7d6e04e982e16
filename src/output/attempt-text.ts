import type { EngineEvent } from '../plan/events.js';

type AttemptEvent = Extract<EngineEvent, { type: 'step.attempt' }>;

/** A wait's attempt as one line: its number, the time since the first attempt, and why it failed. */
export function attemptText(event: AttemptEvent): string {
  const next = event.retry_in_ms === undefined ? 'giving up' : `trying again in ${Math.round(event.retry_in_ms / 1000)} s`;
  return `attempt ${event.attempt}, ${Math.round(event.elapsed_ms / 1000)} s: ${event.error}; ${next}`;
}
