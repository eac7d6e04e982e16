#!/usr/bin/env node
/**
 * The test suite's set-up, run by `npm test` and `npm run test:lab` before vitest (and by
 * `npm run test:setup` alone). Where it may (root on Debian; the apt-only parts on Ubuntu
 * too), it installs and starts what the suite needs through install-test-tools.sh, which
 * prints each thing it installs and why; when all is there it costs a few seconds. A part it
 * installed that still does not work fails the set-up. Where it may not, it installs nothing
 * and says in one line that some tests will not run; the list comes at the end of the run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assessNeeds, NEEDS, PROJECT_ROOT, whyNotInstallable } from '../tests/support/setup/needs.mjs';

const PARTS = { 'needs-validators': 'validators', 'needs-tmux': 'tmux', 'needs-openssl': 'openssl', 'needs-challtestsrv': 'challtestsrv', 'needs-restic': 'restic', 'needs-hcloud-clients': 'hcloud-clients', 'needs-ssh-target': 'ssh-target', 'needs-lxd': 'lxd' };

const started = Date.now();
const installable = NEEDS.filter((need) => need.install !== 'none' && whyNotInstallable(need) === undefined);
if (installable.length > 0) {
  const parts = ['base', ...installable.map((need) => PARTS[need.tag])];
  const installed = spawnSync('bash', [join(PROJECT_ROOT, 'scripts/install-test-tools.sh'), ...parts], { stdio: 'inherit' });
  if (installed.status !== 0) {
    console.error(`test set-up: scripts/install-test-tools.sh ${parts.join(' ')} failed (exit ${installed.status ?? installed.signal}); see above`);
    process.exit(1);
  }
  const broken = installable.map((need) => [need, need.missing()]).filter(([, missing]) => missing !== undefined);
  for (const [need, missing] of broken) console.error(`test set-up: ${need.tag} was set up but does not work: ${missing}`);
  if (broken.length > 0) process.exit(1);
}

const skipped = assessNeeds().filter((need) => need.skip);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(skipped.length === 0
  ? `test set-up: everything the suite needs is in place (${seconds} s)`
  : `test set-up (${seconds} s): ${skipped.length} part(s) of the suite cannot run here (${skipped.map((need) => need.tag).join(', ')}); the list and how to enable them come at the end`);
