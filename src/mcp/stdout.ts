import { Writable } from 'node:stream';

/**
 * While the MCP server runs, fd 1 carries the protocol and nothing else. Each
 * tool call reports through its own Output (run-command.ts), so no command
 * writes to process.stdout; a stray write from a library would corrupt the
 * protocol, so process.stdout.write is pointed at stderr, and the transport
 * gets the real fd 1.
 */
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
  const toStderr = (chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    return done ? stderr.write(chunk, done) : stderr.write(chunk);
  };
  stdout.write = toStderr as typeof stdout.write;
  return {
    protocol,
    release: () => {
      stdout.write = original;
    },
  };
}
