import type { CommandHandler } from '../cli/context.js';
import { smokeChecks } from '../checks/smoke.js';
import { withJsonResult } from '../run/session.js';
import { runSmokeTest } from '../run/smoke-test.js';
import { configFromRecord } from '../state/snapshot-config.js';
import { requireEnvironmentRecord } from '../state/store.js';
import { requireInstanceAddress } from './host-access.js';
import { hasReachedRunning } from '../domain/states.js';

/**
 * `test ENV`: smoke checks from this machine against the deployed instance. It
 * reads the state and changes nothing, so it takes no lock and runs in any state
 * that has an address.
 */
const test: CommandHandler = async (context, input) =>
  withJsonResult(context, 'test', async (json) => {
    const name = input.args['env'] ?? '';
    const record = await requireEnvironmentRecord(context.workingDir, name);
    const { config } = configFromRecord(record, context.env);
    const address = requireInstanceAddress(name, record, config);
    if (context.dryRun) {
      const checks = smokeChecks(config, address);
      context.output.resultJson({ dry_run: true, environment_name: name, checks: checks.map(({ title, kind, target, advisory }) => ({ title, kind, target, advisory })) });
      context.output.result([`Would run ${checks.length} checks against ${address}:`, ...checks.map((check) => `  ${check.title}: ${check.target}${check.advisory ? ' (advisory)' : ''}`)].join('\n'));
      return 0;
    }
    // Said before anything is probed: failures against a host with nothing deployed are not a firewall's fault.
    const deployed = hasReachedRunning(record);
    if (!deployed) context.output.warn(`Environment '${name}' is not running (state: ${record.state}): the checks expect a deployed tracker; deploy it first with ttd deploy ${name}`);
    const summary = await runSmokeTest(context, json, config, address, undefined, deployed ? undefined : `nothing is deployed on '${name}' yet (state: ${record.state}): run ttd deploy ${name}, which ends with these checks`);
    context.output.resultJson({ environment_name: name, instance_ip: address, result: 'pass', passed: summary.passed, warned: summary.warned });
    context.output.success(`Environment '${name}' passed ${summary.passed} check${summary.passed === 1 ? '' : 's'}${summary.warned ? ` (${summary.warned} warning${summary.warned === 1 ? '' : 's'})` : ''}`);
    return 0;
  });

export default test;
