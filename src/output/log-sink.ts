import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventSink } from '../run/events.js';

/**
 * data/<env>/logs/<time>-<command>.log: every event in full (-vvv detail),
 * whatever the terminal showed. Secrets are masked before events reach any
 * sink; the file is 0600 anyway.
 */
export function logFileSink(environmentDirectory: string, command: string, now: () => Date = () => new Date()): { sink: EventSink; path: string } {
  const directory = join(environmentDirectory, 'logs');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const path = join(directory, `${now().toISOString().replaceAll(':', '-')}-${command.replaceAll(' ', '-')}.log`);
  const sink: EventSink = (event) => {
    const { type, ...fields } = event;
    appendFileSync(path, `${now().toISOString()} ${type} ${JSON.stringify(fields)}\n`, { mode: 0o600 });
  };
  return { sink, path };
}
