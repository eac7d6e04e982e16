import { AsyncLocalStorage } from 'node:async_hooks';
import { Writable } from 'node:stream';

/**
 * While the MCP server runs, fd 1 carries the protocol and nothing else. Each
 * tool call has its own sink (sink.ts), which the command's Output writes to;
 * but some code still prints its --json records with process.stdout.write
 * (the NDJSON writer of run/session.ts, logs). Until everything reports
 * through one reporter that takes a sink, that function is replaced by a router: inside a tool call (found through AsyncLocalStorage, so
 * concurrent calls never mix) the text goes to the call's reader; anywhere else
 * it goes to stderr. The transport gets the real fd 1.
 */

type Collector = (text: string) => void;

const collectors = new AsyncLocalStorage<Collector>();

export interface StdoutTakeover {
  /** The stream the MCP transport writes to: the real stdout. */
  readonly protocol: Writable;
  /** Puts process.stdout.write back. */
  release(): void;
}

export function takeOverStdout(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): StdoutTakeover {
  const original = stdout.write;
  const realWrite = original.bind(stdout) as (chunk: string | Uint8Array, callback?: (error?: Error | null) => void) => boolean;
  const protocol = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      realWrite(chunk, callback);
    },
  });
  const routed = (chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    const collector = collectors.getStore();
    if (collector) {
      collector(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      if (done) queueMicrotask(() => done());
      return true;
    }
    return done ? stderr.write(chunk, done) : stderr.write(chunk);
  };
  stdout.write = routed as typeof stdout.write;
  return {
    protocol,
    release: () => {
      stdout.write = original;
    },
  };
}

/** Runs `body` with everything it writes to process.stdout handed to `collect`. */
export function collectingStdout<T>(collect: Collector, body: () => Promise<T>): Promise<T> {
  return collectors.run(collect, body);
}
