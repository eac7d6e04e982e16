import { render, renderToString } from 'ink';
import { useEffect, useState } from 'react';
import type { StatusSnapshot } from '../../src/status/snapshot.js';
import type { StatusTarget } from '../../src/status/target.js';
import { StatusWatcher, WATCH_INTERVAL_MS, type WatchState } from '../../src/status/watch.js';
import { matchInkColors } from '../ink-colors.js';
import { StatusScreen } from './StatusScreen.js';

export interface RunStatusOptions {
  readonly target: StatusTarget;
  readonly gather: () => Promise<StatusSnapshot>;
  readonly watch: boolean;
  readonly intervalMs?: number;
  /** Colour or not, as the command decided (--no-color, NO_COLOR, a terminal). */
  readonly color: boolean;
}

/**
 * Shows the status screen on the terminal. With `watch`, it refreshes until q
 * (or Ctrl-C); without, it shows the first snapshot and returns it.
 */
export async function runStatusScreen(options: RunStatusOptions): Promise<StatusSnapshot | undefined> {
  let last: StatusSnapshot | undefined;
  matchInkColors(options.color);
  const app = render(
    <Live
      {...options}
      onSnapshot={(snapshot) => {
        last = snapshot;
        if (!options.watch) setImmediate(() => app.unmount());
      }}
      onQuit={() => app.unmount()}
    />,
    { exitOnCtrlC: false, patchConsole: false },
  );
  await app.waitUntilExit();
  return last;
}

function Live({ target, gather, watch, intervalMs = WATCH_INTERVAL_MS, onSnapshot, onQuit }: RunStatusOptions & { onSnapshot: (snapshot: StatusSnapshot) => void; onQuit: () => void }) {
  const [state, setState] = useState<WatchState>({ history: [], refreshing: true });
  useEffect(() => {
    if (!watch) {
      // One reading: gather once, schedule nothing more.
      void gather().then((snapshot) => {
        setState({ history: [snapshot], refreshing: false });
        onSnapshot(snapshot);
      });
      return undefined;
    }
    let lastTaken: number | undefined;
    const watcher = new StatusWatcher(gather, (next) => {
      setState(next);
      const newest = next.history.at(-1);
      if (newest && newest.takenAt !== lastTaken) {
        lastTaken = newest.takenAt;
        onSnapshot(newest);
      }
    }, intervalMs);
    watcher.start();
    return () => watcher.stop();
  }, []);
  return <StatusScreen target={target} history={state.history} refreshing={state.refreshing} watching={watch} intervalSeconds={Math.round(intervalMs / 1000)} onQuit={onQuit} />;
}

/** The screen as text, for a terminal-less reading (pipes, CI): the same view, drawn once. */
export function statusText(target: StatusTarget, snapshot: StatusSnapshot, color: boolean): string {
  matchInkColors(color);
  return renderToString(<StatusScreen target={target} history={[snapshot]} refreshing={false} watching={false} />, { columns: 120 });
}
