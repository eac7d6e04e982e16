import type { ReactElement } from 'react';
/**
 * Helpers for driving Ink screens with ink-testing-library. React 19 arms
 * useInput in a passive effect, so a key written too early is lost: every key
 * waits for the scheduler to flush (setImmediate, then a timer), as Shopify's
 * cli-kit does.
 */
export const KEY = { enter: '\r', escape: '\u001B', up: '\u001B[A', down: '\u001B[B', left: '\u001B[D', right: '\u001B[C', space: ' ', backspace: '\u007F', ctrlC: '\u0003', pageDown: '\u001B[6~', pageUp: '\u001B[5~' } as const;

interface Rendered {
  readonly lastFrame: () => string | undefined;
  readonly stdin: { write: (data: string) => void };
}

export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setTimeout(resolve, 0)));
}

/** Waits until the screen shows `text` (a string or pattern); fails with the last frame when it never does. */
export async function waitFor(instance: Rendered, text: string | RegExp, attempts = 1000): Promise<string> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const frame = instance.lastFrame() ?? '';
    if (typeof text === 'string' ? frame.includes(text) : text.test(frame)) return frame;
    await settle();
  }
  throw new Error(`the screen never showed ${String(text)}; last frame:\n${instance.lastFrame() ?? ''}`);
}

/** Writes keys one at a time, letting the screen settle before and after each. */
export async function press(instance: Rendered, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    await settle();
    instance.stdin.write(key);
    await settle();
  }
}

/** Answers a question: waits for its text on screen, then presses the keys. */
export async function answer(instance: Rendered, question: string, ...keys: string[]): Promise<void> {
  await waitFor(instance, question);
  await press(instance, ...keys);
}

/**
 * Renders at a given terminal size (ink-testing-library's is fixed at 100 columns): what a
 * user sees at 80×24. The same stdin and frames as ink-testing-library.
 */
export async function renderSized(node: ReactElement, size: { columns: number; rows: number }): Promise<Rendered & { unmount: () => void }> {
  const { EventEmitter } = await import('node:events');
  const { render } = await import('ink');
  let last: string | undefined;
  const stdout = Object.assign(new EventEmitter(), { columns: size.columns, rows: size.rows, isTTY: true, write: (frame: string) => ((last = frame), true) });
  let data: string | null = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    write: (chunk: string) => {
      data = chunk;
      stdin.emit('readable');
      stdin.emit('data', chunk);
    },
    read: () => {
      const chunk = data;
      data = null;
      return chunk;
    },
    setEncoding: () => undefined,
    setRawMode: () => undefined,
    resume: () => undefined,
    pause: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
  });
  const app = render(node, { stdout: stdout as never, stdin: stdin as never, stderr: stdout as never, debug: true, exitOnCtrlC: false, patchConsole: false });
  return { lastFrame: () => last, stdin, unmount: () => app.unmount() };
}
