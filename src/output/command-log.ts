import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Styles } from './styles.js';

/** The Rust deployer's log formats: compact (one line), json (one object a line), pretty (several lines). */
export const LOG_FORMATS = ['pretty', 'json', 'compact'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** One thing that happened: an engine event, or a line the reporter printed (type `output`). */
export interface LogEntry {
  readonly type: string;
}

/** A line the reporter printed (or would have at a higher -v). */
export interface OutputEntry extends LogEntry {
  readonly type: 'output';
  readonly level: string;
  readonly text: string;
}

/**
 * The command's log file: every event and every line the reporter printed,
 * already masked, whatever the terminal showed. An environment's command logs
 * under data/<env>/logs once it knows its environment (`placeIn`); any other
 * command, or one that never said, under data/logs; `--log-dir` overrides both.
 * Entries wait in memory until the file's place is known.
 */
export interface CommandLog {
  /** The file, once its directory is known. */
  readonly path: string | undefined;
  write(entry: LogEntry | OutputEntry): void;
  /** The environment's directory (data/<env>): the file goes to its logs/ unless --log-dir was given. */
  placeIn(environmentDirectory: string): string | undefined;
  /** Writes what waits (to the default directory when no place was given). */
  close(): void;
}

export interface CommandLogOptions {
  readonly command: string;
  /** --log-dir: every log file goes here. */
  readonly directory: string | undefined;
  /** Where a command that names no environment logs: <working dir>/data/logs. */
  readonly defaultDirectory: string;
  readonly fileFormat: LogFormat;
  /** --log-output file-and-stderr: each entry on stderr too, in this format. */
  readonly stderr?: { readonly write: (text: string) => void; readonly format: LogFormat; readonly color: Styles };
  readonly now?: () => Date;
}

/** Entries kept in memory at most before the file goes to the default directory anyway. */
const MOST_WAITING = 1000;

export function openCommandLog(options: CommandLogOptions): CommandLog {
  const now = options.now ?? (() => new Date());
  const name = `${now().toISOString().replaceAll(':', '-')}-${options.command.replaceAll(' ', '-') || 'ttd'}.log`;
  let path: string | undefined;
  let waiting: string[] = [];

  const place = (directory: string): string => {
    if (path !== undefined) return path;
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    path = join(directory, name);
    appendFileSync(path, waiting.join(''), { mode: 0o600 });
    waiting = [];
    return path;
  };
  if (options.directory !== undefined) place(options.directory);

  return {
    get path() {
      return path;
    },
    write: (entry) => {
      const time = now().toISOString();
      const text = formatLogEntry(entry, time, options.fileFormat);
      if (path !== undefined) appendFileSync(path, text, { mode: 0o600 });
      else {
        waiting.push(text);
        if (waiting.length > MOST_WAITING) place(options.defaultDirectory);
      }
      const stderr = options.stderr;
      if (stderr) stderr.write(formatLogEntry(entry, time, stderr.format, stderr.color));
    },
    placeIn: (environmentDirectory) => place(options.directory ?? join(environmentDirectory, 'logs')),
    close: () => {
      if (path === undefined && waiting.length > 0) place(options.defaultDirectory);
    },
  };
}

/** A log that keeps nothing: a dry run's (it changes nothing anywhere), the MCP server's calls. */
export const NO_LOG: CommandLog = { path: undefined, write: () => undefined, placeIn: () => undefined, close: () => undefined };

/**
 * compact: `time type {fields}` on one line; json: `{"time","type",...fields}`;
 * pretty: `time  type` then each field on its own indented line. Colour only
 * when styles are given (stderr), never in a file.
 */
export function formatLogEntry(entry: LogEntry, time: string, format: LogFormat, color?: Styles): string {
  const { type, ...fields } = clean(entry) as LogEntry & Record<string, unknown>;
  switch (format) {
    case 'json':
      return `${JSON.stringify({ time, type, ...fields })}\n`;
    case 'compact':
      return `${time} ${type} ${JSON.stringify(fields)}\n`;
    case 'pretty': {
      const head = color ? `${color.dim(time)}  ${color.bold(type)}` : `${time}  ${type}`;
      const lines = Object.entries(fields).map(([key, value]) => `    ${key}: ${typeof value === 'string' ? value.replaceAll('\n', '\n      ') : JSON.stringify(value)}`);
      return `${[head, ...lines].join('\n')}\n\n`;
    }
  }
}

/** Terminal colours and controls out of every string: a log is plain text. */
function clean(entry: LogEntry): LogEntry {
  return JSON.parse(JSON.stringify(entry, (_key, value: unknown) => (typeof value === 'string' ? stripVTControlCharacters(value) : value))) as LogEntry;
}
