import type { RunContext } from './context.js';
import { runSmokeChecks, smokeChecks, summarizeSmoke, type SmokeResult, type SmokeSummary } from '../checks/smoke.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { DeployerError } from '../domain/errors.js';
import type { NdjsonWriter } from '../output/ndjson-sink.js';

/**
 * What BitTorrent clients will see, checked from this machine: announces to every
 * tracker, every public health endpoint (HTTPS pinned to the instance), DNS
 * advisories. Each result is shown as it arrives; a failed check fails the command.
 */
export async function runSmokeTest(context: RunContext, json: NdjsonWriter | undefined, config: EnvironmentConfig, address: string, signal?: AbortSignal, notDeployedFix?: string): Promise<SmokeSummary> {
  const show = (result: SmokeResult) => {
    if (json) {
      json.line({ type: 'check', title: result.check.title, kind: result.check.kind, target: result.check.target, status: result.status, message: result.message, ...(result.fix ? { fix: result.fix } : {}) });
      return;
    }
    const line = `${result.check.title}: ${result.message}${result.fix ? `\n    Fix: ${result.fix}` : ''}`;
    if (result.status === 'fail') context.output.error(line);
    else if (result.status === 'warn') context.output.warn(line);
    else context.output.success(line);
  };
  const results = await runSmokeChecks(smokeChecks(config, address), { onResult: show, ...(signal ? { signal } : {}) });
  const summary = summarizeSmoke(results);
  if (!summary.ok) {
    throw new DeployerError('smoke.failed', `${summary.failed} of ${results.length} smoke check${results.length === 1 ? '' : 's'} failed against ${address}`, {
      where: config.environment.name,
      fix: notDeployedFix ?? 'read each failed check above: a closed firewall port, a stopped service (ttd show, then the container logs) or DNS not pointing at the instance yet',
      data: { passed: summary.passed, failed: summary.failed, warned: summary.warned },
    });
  }
  return summary;
}
