/**
 * A step on the host, as shell command lines only (Kamal's commands style): the
 * rendered scripts print them into bash, and the deploy pipeline sends the same
 * lines over SSH. Building a step never runs anything.
 */
export interface HostStep {
  /** Stable id, for plans and logs. */
  readonly id: string;
  readonly title: string;
  /** A shell test that succeeds when the step is already done: the step is then skipped. */
  readonly doneWhen?: string;
  /** Run as root, in order; the first failure stops the step. */
  readonly commands: readonly string[];
}

/**
 * A failing step may explain itself: what it prints after a line starting with this
 * marker is shown with its error, as the diagnosis.
 */
export const DIAGNOSIS_MARKER = '==> diagnosis:';

/** Where the stack lives on the host, as in the Rust deployer. */
export const DEPLOY_DIR = '/opt/torrust';

/** The uid the tracker container runs as (its USER_ID), which owns the tracker storage. */
export const TRACKER_UID = 1000;
/** Uids of the official images, which own their storage on the host. */
export const GRAFANA_UID = 472;
export const MYSQL_UID = 999;
export const PROMETHEUS_UID = 65534;

/**
 * apt waits up to 5 minutes for a package lock held by another apt (unattended-upgrades
 * on a fresh host, or an apt left running by an interrupted deploy) instead of failing.
 */
const APT_LOCK_WAIT = '-o DPkg::Lock::Timeout=300';
export const APT_UPDATE = `apt-get ${APT_LOCK_WAIT} update -qq`;
export const APT_INSTALL = `DEBIAN_FRONTEND=noninteractive apt-get ${APT_LOCK_WAIT} install -y -qq --no-install-recommends`;
