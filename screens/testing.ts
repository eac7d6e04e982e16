/**
 * Helpers for driving Ink screens with ink-testing-library. React 19 arms
 * useInput in a passive effect, so a key written too early is lost: every key
 * waits for the scheduler to flush (setImmediate, then a timer), as Shopify's
 * cli-kit does.
 */
export const KEY = { enter: '\r', escape: '\u001B', up: '\u001B[A', down: '\u001B[B', space: ' ', backspace: '\u007F', ctrlC: '\u0003' } as const;

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
