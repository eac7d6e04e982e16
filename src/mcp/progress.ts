/** What an MCP progress notification carries (the token is added by the caller). */
export interface Progress {
  readonly progress: number;
  readonly total: number | undefined;
  readonly message: string;
}

/**
 * Turns the engine's NDJSON events (src/plan/events.ts) into MCP progress:
 * progress counts finished steps (a running step counts half), total is the
 * plan's step count. MCP requires progress to increase, so an event that
 * would not move it forward gives no notification.
 */
export class ProgressTracker {
  private total: number | undefined;
  private finished = 0;
  private last: number | undefined;
  private readonly titles = new Map<string, string>();

  next(record: Readonly<Record<string, unknown>>): Progress | undefined {
    switch (record['type']) {
      case 'plan.started': {
        const stages = (record['stages'] as readonly { stage: string; steps: readonly { id: string; title: string }[] }[] | undefined) ?? [];
        for (const stage of stages) for (const step of stage.steps) this.titles.set(step.id, step.title);
        this.total = this.titles.size;
        return this.emit(0, `${String(record['command'])} ${String(record['environment'])}: ${this.total} step${this.total === 1 ? '' : 's'} in ${stages.map((stage) => stage.stage).join(', ') || 'no stage'}`);
      }
      case 'step.started':
        return this.emit(this.finished + 0.5, `${String(record['stage'])}: ${String(record['title'])}`);
      case 'step.succeeded':
      case 'step.skipped':
        this.finished += 1;
        return this.emit(this.finished, `${record['type'] === 'step.skipped' ? 'already done' : 'done'}: ${this.titleOf(record)}`);
      case 'step.failed':
        this.finished += 1;
        return this.emit(this.finished, `failed: ${this.titleOf(record)}: ${String(record['error'])}`);
      case 'plan.finished':
        return this.emit(this.total ?? this.finished, `finished: ${String(record['outcome'])}`);
      default:
        return undefined;
    }
  }

  private titleOf(record: Readonly<Record<string, unknown>>): string {
    const step = String(record['step']);
    return this.titles.get(step) ?? step;
  }

  private emit(progress: number, message: string): Progress | undefined {
    if (this.last !== undefined && progress <= this.last) return undefined;
    this.last = progress;
    return { progress, total: this.total, message };
  }
}
