import type { StatusSnapshot } from './snapshot.js';

/**
 * The refresh loop of `status --watch`: gathers a snapshot every `intervalMs`
 * (never two at once), keeps the ones of the last `historyMs`, and reports each
 * change. Gathering is bounded by its own timeouts; the loop only schedules.
 */
export interface WatchState {
  readonly history: readonly StatusSnapshot[];
  readonly refreshing: boolean;
}

export const WATCH_INTERVAL_MS = 3_000;
export const HISTORY_MS = 70_000;

export class StatusWatcher {
  private history: StatusSnapshot[] = [];
  private refreshing = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly gather: () => Promise<StatusSnapshot>,
    private readonly onChange: (state: WatchState) => void,
    private readonly intervalMs = WATCH_INTERVAL_MS,
    private readonly historyMs = HISTORY_MS,
  ) {}

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.refreshing) return;
    this.refreshing = true;
    this.emit();
    try {
      const snapshot = await this.gather();
      if (this.stopped) return;
      this.history = keepRecent([...this.history, snapshot], this.historyMs);
    } catch {
      // gather() reports failures inside the snapshot; anything else waits for the next tick.
    } finally {
      this.refreshing = false;
    }
    if (this.stopped) return;
    this.emit();
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
  }

  private emit(): void {
    this.onChange({ history: this.history, refreshing: this.refreshing });
  }
}

/** The snapshots taken within `historyMs` of the newest one. */
export function keepRecent(history: readonly StatusSnapshot[], historyMs: number): StatusSnapshot[] {
  const newest = history.at(-1);
  if (!newest) return [];
  return history.filter((snapshot) => snapshot.takenAt >= newest.takenAt - historyMs);
}
