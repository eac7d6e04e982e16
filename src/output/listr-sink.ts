import { Listr, ListrLogger, PRESET_TIMER, ProcessOutput, type ListrTask, type ListrTaskWrapper } from 'listr2';
import { recordLines } from '../domain/dns-records.js';
import type { EngineEvent, EventSink } from '../plan/events.js';
import { attemptText } from './attempt-text.js';

/**
 * The task tree on a terminal. The executor runs the plan; listr2 only draws
 * it: each task waits for its step's events. Verbosity maps as RESEARCH.md §3
 * suggests: collapsed with one output line by default, subtasks, timers and the
 * last lines with -v, full persistent output with -vv, every command line and
 * its output (the verbose renderer) with -vvv.
 */
export interface ListrSinkOptions {
  readonly verbosity: number;
  /** Where the tree is drawn: stderr, so stdout keeps results only. */
  readonly stream: NodeJS.WriteStream;
  /** Draw as on a terminal (tests force it for snapshots). */
  readonly forceTty?: boolean;
  /** No timers, no spinner frames: stable output for snapshots. */
  readonly stable?: boolean;
}

export interface ListrSink {
  readonly sink: EventSink;
  /** Resolves once the tree has drawn its last frame. */
  finished(): Promise<void>;
}

// listr2's generics follow the renderer, which is chosen at run time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTask = ListrTask<unknown, any, any>;

type StepEnd = { kind: 'succeeded' } | { kind: 'skipped'; reason: string } | { kind: 'failed'; error: string } | { kind: 'not-run' } | { kind: 'stopped' };

interface StepView {
  task: ListrTaskWrapper<unknown, any, any> | undefined;
  pending: string[];
  /** The title with the wait's last attempt, until the step ends. */
  title: string | undefined;
  started: boolean;
  end: StepEnd | undefined;
  settle: ((end: StepEnd) => void) | undefined;
}

/** Whether a stage ran at all: a stage that never started is drawn as not run, never as done. */
interface StageView {
  task: ListrTaskWrapper<unknown, any, any> | undefined;
  started: boolean | undefined;
  settle: ((started: boolean) => void) | undefined;
}

export function listrOptionsFor(verbosity: number, stable: boolean) {
  const timer = stable ? {} : { timer: PRESET_TIMER };
  if (verbosity >= 3) return { renderer: 'verbose' as const, rendererOptions: { logTitleChange: true, ...timer } };
  if (verbosity === 2) {
    return {
      renderer: 'default' as const,
      rendererOptions: { collapseSubtasks: false, collapseErrors: false, showErrorMessage: true, ...timer },
      task: { outputBar: Infinity, persistentOutput: true },
    };
  }
  if (verbosity === 1) return { renderer: 'default' as const, rendererOptions: { collapseSubtasks: false, ...timer }, task: { outputBar: 5, persistentOutput: false } };
  return { renderer: 'default' as const, rendererOptions: { collapseSubtasks: true }, task: { outputBar: 1, persistentOutput: false } };
}

export function listrSink(options: ListrSinkOptions): ListrSink {
  const views = new Map<string, StepView>();
  const titles = new Map<string, string>();
  // The DNS records a step asked for stay above its later output lines (the gate's countdown).
  const records = new Map<string, string>();
  const logger = new ListrLogger({ processOutput: new ProcessOutput(options.stream, options.stream) });
  let running: Promise<void> = Promise.resolve();
  const chosen = listrOptionsFor(options.verbosity, options.stable === true);

  const view = (step: string): StepView => {
    let found = views.get(step);
    if (!found) {
      found = { task: undefined, pending: [], title: undefined, started: false, end: undefined, settle: undefined };
      views.set(step, found);
    }
    return found;
  };
  const output = (step: string, text: string) => {
    const target = view(step);
    if (target.task) target.task.output = text;
    else target.pending.push(text);
  };
  const end = (step: string, result: StepEnd) => {
    const target = view(step);
    if (target.end) return;
    target.end = result;
    target.settle?.(result);
  };
  const retitle = (step: string, text: string) => {
    const target = view(step);
    target.title = text;
    if (target.task) target.task.title = text;
  };

  const stages = new Map<string, StageView>();
  const stageView = (stage: string): StageView => {
    let found = stages.get(stage);
    if (!found) {
      found = { task: undefined, started: undefined, settle: undefined };
      stages.set(stage, found);
    }
    return found;
  };
  const stageBegins = (stage: string, started: boolean) => {
    const target = stageView(stage);
    if (target.started !== undefined) return;
    target.started = started;
    target.settle?.(started);
  };
  let stopNotice: string | undefined;
  let runningStage: string | undefined;
  const showStopNotice = () => {
    const target = runningStage === undefined ? undefined : stages.get(runningStage);
    if (stopNotice !== undefined && target?.task) target.task.title = `${runningStage} · ${stopNotice}`;
  };

  const stepTask = (id: string, title: string): AnyTask => ({
    title,
    task: async (_context, task) => {
      const target = view(id);
      target.task = task as ListrTaskWrapper<unknown, any, any>;
      if (target.title !== undefined) task.title = target.title;
      for (const line of target.pending.splice(0)) task.output = line;
      const result = target.end ?? (await new Promise<StepEnd>((settle) => (target.settle = settle)));
      if (task.title !== title) task.title = title;
      if (result.kind === 'skipped') task.skip(`${title} (${result.reason})`);
      else if (result.kind === 'not-run') task.skip(`${title} (not run)`);
      else if (result.kind === 'stopped') task.skip(`${title} (stopped by Ctrl-C)`);
      // The error itself is the command's headline, printed once after the tree.
      else if (result.kind === 'failed') throw new Error(title);
    },
    ...('task' in chosen ? { rendererOptions: chosen.task } : {}),
  });

  const start = (event: Extract<EngineEvent, { type: 'plan.started' }>) => {
    const tasks = event.stages.map<AnyTask>((stage) => ({
      title: stage.stage,
      task: async (_context, task) => {
        const target = stageView(stage.stage);
        target.task = task as ListrTaskWrapper<unknown, any, any>;
        const started = target.started ?? (await new Promise<boolean>((settle) => (target.settle = settle)));
        if (!started) {
          task.skip(`${stage.stage} (not run)`);
          return undefined;
        }
        showStopNotice();
        return task.newListr(stage.steps.map((step) => stepTask(step.id, step.title)), { concurrent: false, exitOnError: true });
      },
    }));
    const listr = new Listr<unknown, any, any>(tasks, {
      concurrent: false,
      exitOnError: true,
      registerSignalListeners: false,
      renderer: chosen.renderer,
      rendererOptions: { ...chosen.rendererOptions, logger },
      fallbackRenderer: 'simple',
      fallbackRendererOptions: { logger },
      fallbackRendererCondition: options.forceTty ? false : options.stream.isTTY !== true,
      // listr2 looks at stdout to decide; the tree is drawn on stderr, which is what matters.
      forceTTY: options.forceTty === true || options.stream.isTTY === true,
      forceColor: false,
    } as never);
    running = listr.run().then(
      () => undefined,
      () => undefined,
    );
  };

  // Undos run after the failure that ended the tree: their lines follow its last frame.
  const after = (line: string) => {
    running = running.then(() => void options.stream.write(`${line}\n`));
  };

  const sink: EventSink = (event) => {
    switch (event.type) {
      case 'plan.started':
        start(event);
        return;
      case 'lock.acquired':
        if (event.took_over_from) options.stream.write(`⚠ took over the lock left by pid ${event.took_over_from.pid}, which is no longer running\n`);
        return;
      case 'step.command':
        if (options.verbosity >= 1) output(event.step, `$ ${event.command}`);
        return;
      case 'stage.started':
        runningStage = event.stage;
        stageBegins(event.stage, true);
        return;
      case 'stage.finished': {
        const target = stageView(event.stage);
        // A stopped stage is not done: listr2 keeps a parent skipped once its subtasks end.
        if (event.outcome === 'interrupted') target.task?.skip(`${event.stage} (stopped by Ctrl-C)`);
        else if (target.task && target.task.title !== event.stage) target.task.title = event.stage;
        runningStage = undefined;
        return;
      }
      case 'step.started':
        view(event.step).started = true;
        stageBegins(event.stage, true);
        return;
      case 'step.attempt':
        retitle(event.step, `${titles.get(event.step) ?? event.step} · ${attemptText(event)}`);
        return;
      case 'stop.requested':
        stopNotice = event.message;
        showStopNotice();
        if (runningStage === undefined) after(event.message);
        return;
      case 'step.output': {
        const above = records.get(event.step);
        output(event.step, above ? `${above}\n${event.line}` : event.line);
        return;
      }
      case 'step.notice': {
        const line = `${event.level === 'warning' ? '⚠' : 'ℹ'} ${event.message}`;
        const above = records.get(event.step);
        records.set(event.step, above ? `${above}\n${line}` : line);
        output(event.step, records.get(event.step)!);
        return;
      }
      case 'dns.records': {
        const lines = recordLines(event.records).join('\n');
        records.set(event.step, lines);
        output(event.step, lines);
        return;
      }
      case 'step.succeeded':
        end(event.step, { kind: 'succeeded' });
        return;
      case 'step.skipped':
        end(event.step, { kind: 'skipped', reason: event.reason });
        return;
      case 'step.failed':
        end(event.step, { kind: 'failed', error: event.error });
        return;
      case 'step.warned':
        end(event.step, { kind: 'skipped', reason: `failed after the commit point, left as it is: ${event.error}` });
        return;
      case 'step.undo.started':
        if (options.verbosity >= 1) after(`  … undo: ${event.title}`);
        return;
      case 'step.undo.succeeded':
        after(`  ↶ undone: ${titles.get(event.step) ?? event.step}`);
        return;
      case 'step.undo.failed':
        after(`  ✗ undo of ${titles.get(event.step) ?? event.step} failed: ${event.error}`);
        return;
      case 'plan.finished':
        for (const [step, target] of views) end(step, target.started ? { kind: 'stopped' } : { kind: 'not-run' });
        for (const stage of stages.keys()) stageBegins(stage, false);
        return;
      default:
        return;
    }
  };

  return {
    sink: (event) => {
      if (event.type === 'plan.started') {
        for (const stage of event.stages) {
          stageView(stage.stage);
          for (const step of stage.steps) {
            view(step.id);
            titles.set(step.id, step.title);
          }
        }
      }
      sink(event);
    },
    finished: () => running,
  };
}
