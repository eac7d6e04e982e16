import type { Stage } from '../domain/states.js';

/**
 * A plan is data: an ordered list of typed steps that `--dry-run` prints,
 * `--json` emits, tests assert on, and one executor runs. Every step says what
 * it changes and how the executor knows it is already done (its idempotency
 * check), so a re-run skips finished work because the check says so, not
 * because a record claims it.
 */
interface StepBase {
  /** Stable within a plan: events and failure records name it. */
  readonly id: string;
  readonly title: string;
  /** What running it changes, in words. */
  readonly changes: string;
}

/** A shell command on the instance. Consecutive ones run in one SSH round trip. */
export interface RemoteCommandStep extends StepBase {
  readonly kind: 'remote';
  readonly command: string;
  /** A command that exits 0 when the step is already done; none means always run (it must be idempotent itself). */
  readonly check: string | undefined;
  /** Run with sudo. */
  readonly sudo: boolean;
  /**
   * Puts back what the command changed. It must be safe to run when the command did
   * not run or failed half way: it also runs for the step that failed.
   */
  readonly undo?: string;
  /** After the commit point: a failure is a warning, nothing is undone, and Ctrl-C no longer stops before it. */
  readonly afterCommit?: boolean;
}

/** A file written on the instance. Done when the file there has the same SHA-256. */
export interface UploadStep extends StepBase {
  readonly kind: 'upload';
  readonly target: string;
  readonly content: string;
  readonly mode: number;
  readonly owner: string | undefined;
}

export type ProviderCall =
  | { readonly action: 'create'; readonly instanceName: string }
  | { readonly action: 'address'; readonly instanceName: string }
  | { readonly action: 'destroy'; readonly instanceName: string; readonly resourceIds: readonly string[] };

/** A call to the provider's API (LXD, Hetzner). create is done when find() sees the instance; destroy when it does not. */
export interface ProviderStep extends StepBase {
  readonly kind: 'provider';
  readonly provider: string;
  readonly call: ProviderCall;
}

/** A file written on this machine, relative to the working directory. Done when it already has this content. */
export interface LocalWriteStep extends StepBase {
  readonly kind: 'local';
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export type WaitCondition =
  | { readonly type: 'remote-command'; readonly command: string }
  | { readonly type: 'ssh-reachable' };

/** Polls a condition until it holds or the timeout passes. Changes nothing. */
export interface WaitStep extends StepBase {
  readonly kind: 'wait';
  readonly condition: WaitCondition;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
}

/** Shows the DNS records to create for the instance's address (a `dns.records` event). Changes nothing. */
export interface DnsRecordsStep extends StepBase {
  readonly kind: 'dns-records';
  readonly domains: readonly string[];
}

/**
 * The DNS gate: waits until every HTTPS domain resolves to the instance at the
 * resolvers, so Caddy's first certificate requests do not fail. Changes nothing.
 */
export interface DnsGateStep extends StepBase {
  readonly kind: 'dns-gate';
  readonly domains: readonly string[];
  readonly resolvers: readonly string[];
  /** The address as the plan knew it, for the dry run; the run asks the environment. */
  readonly address: string | undefined;
  /** 0: ask once and fail at once when a domain is not ready. */
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  /** Why the gate is not asked (--skip-dns-wait). */
  readonly skipped?: string;
}

/** How the DNS gate behaves, from --dns-wait and --skip-dns-wait. */
export interface DnsGateOptions {
  /** 0: ask once and fail at once (a run without a terminal and without --dns-wait). */
  readonly waitSeconds: number;
  readonly skip: boolean;
}

export type Step = RemoteCommandStep | UploadStep | ProviderStep | LocalWriteStep | WaitStep | DnsRecordsStep | DnsGateStep;
export type StepKind = Step['kind'];

/**
 * What a command without a stage of the pipeline runs: it needs a running
 * environment and leaves its state as it is (`test`, the day-two commands).
 */
export const OPERATIONS = ['test', 'backup', 'backup list', 'backup verify', 'restore', 'upgrade', 'logs', 'status'] as const;
export type Operation = (typeof OPERATIONS)[number];

export function isOperation(stage: string): stage is Operation {
  return (OPERATIONS as readonly string[]).includes(stage);
}

/** The steps of one stage (or one command without a stage, such as `test`). */
export interface StagePlan {
  readonly stage: Stage | Operation;
  /** The command a user would type for it alone. */
  readonly command: string;
  readonly steps: readonly Step[];
}

export interface Plan {
  readonly environment: string;
  /** The command that built it: deploy, destroy, ... */
  readonly command: string;
  readonly stages: readonly StagePlan[];
  /** Pieces the plan needs that this build of the deployer does not have yet; a plan with gaps cannot run. */
  readonly gaps: readonly string[];
}

export function allSteps(plan: Plan): Step[] {
  return plan.stages.flatMap((stage) => stage.steps);
}

/** What the user should know before an instance is created (its cost, a deprecated choice). */
export interface ProviderNotice {
  readonly level: 'info' | 'warning';
  readonly message: string;
}
