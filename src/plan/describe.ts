import { createHash } from 'node:crypto';
import { remoteCommandLine } from './command-line.js';
import type { Plan, ProviderNotice, ProviderStep, Step } from './types.js';

/** The requests (Hetzner) or commands (LXD) a provider step makes, from the provider. */
export type ProviderRequests = (step: ProviderStep) => readonly string[];

/** What the provider's review of a step said (cost, deprecations). */
export type ProviderNotices = (step: ProviderStep) => readonly ProviderNotice[];

/** How a step is shown in a dry run: everything it would do, and never a file's content (it may hold secrets). */
export function describeStep(step: Step, requests?: ProviderRequests, notices?: ProviderNotices): string[] {
  switch (step.kind) {
    case 'remote':
      return [
        `$ ${remoteCommandLine(step.command, step.sudo)}`,
        ...(step.check ? [`skip if: ${remoteCommandLine(step.check, step.sudo)} succeeds`] : []),
        ...(step.undo ? [`undo on failure: $ ${remoteCommandLine(step.undo, step.sudo)}`] : []),
        ...(step.afterCommit ? ['after the commit point: a failure is a warning'] : []),
      ];
    case 'upload':
      return [`upload → ${step.target} (${byteLength(step.content)} bytes, mode ${octal(step.mode)}${step.owner ? `, owner ${step.owner}` : ''})`, 'skip if: the file there has the same SHA-256'];
    case 'local':
      return [`write → ${step.path} (${byteLength(step.content)} bytes, mode ${octal(step.mode)})`, 'skip if: the file already has this content'];
    case 'provider':
      return [
        step.call.action === 'destroy'
          ? `API: ${step.provider} destroy ${step.call.instanceName}${step.call.resourceIds.length > 0 ? ` (resources ${step.call.resourceIds.join(', ')})` : ''}`
          : `API: ${step.provider} ${step.call.action} ${step.call.instanceName}`,
        ...(step.call.action === 'create' ? ['skip if: the provider already has an instance with this name'] : []),
        ...(step.call.action === 'destroy' ? ['skip if: the provider has no such instance'] : []),
        ...(notices?.(step) ?? []).map((notice) => `${notice.level === 'warning' ? '⚠' : 'ℹ'} ${notice.message}`),
        ...(requests?.(step) ?? []).map((line) => `→ ${line}`),
      ];
    case 'dns-records':
      return [`show the A/AAAA records that point ${step.domains.join(', ')} at the instance's address, once it is known`];
    case 'dns-gate': {
      const where = step.address ?? 'the address known after provisioning';
      const how = step.timeoutSeconds === 0 ? 'ask once; fail at once with the records to create when one does not (no --dns-wait)' : `every ${step.intervalSeconds}s, up to ${step.timeoutSeconds}s`;
      return [
        `ask ${step.resolvers.join(', ')} until ${step.domains.join(', ')} resolve to ${where} (${how})`,
        ...(step.skipped ? [`skipped: ${step.skipped}`] : []),
      ];
    }
    case 'wait':
      return [`wait until ${step.condition.type === 'ssh-reachable' ? 'SSH answers' : `$ ${step.condition.command}`} succeeds (every ${step.intervalSeconds}s, up to ${step.timeoutSeconds}s)`];
  }
}

export function planText(plan: Plan, requests?: ProviderRequests, notices?: ProviderNotices): string {
  const count = plan.stages.reduce((total, stage) => total + stage.steps.length, 0);
  const lines = [`Plan for '${plan.environment}' (${plan.command}): ${plan.stages.length} stage${plan.stages.length === 1 ? '' : 's'}, ${count} step${count === 1 ? '' : 's'}`];
  let number = 0;
  for (const stage of plan.stages) {
    lines.push('', `${stage.stage} (ttd ${stage.command} ${plan.environment})`);
    if (stage.steps.length === 0) lines.push('  nothing to do');
    for (const step of stage.steps) {
      number += 1;
      lines.push(`  ${number}. ${step.title}`, ...describeStep(step, requests, notices).map((line) => `     ${line}`), `     changes: ${step.changes}`);
    }
  }
  if (plan.gaps.length > 0) lines.push('', 'Not available in this build, so the plan cannot run yet:', ...plan.gaps.map((gap) => `  - ${gap}`));
  return lines.join('\n');
}

/** The plan as JSON: file contents are replaced by their size and SHA-256. */
export function planJson(plan: Plan, requests?: ProviderRequests, notices?: ProviderNotices): Record<string, unknown> {
  return {
    environment: plan.environment,
    command: plan.command,
    gaps: plan.gaps,
    stages: plan.stages.map((stage) => ({
      stage: stage.stage,
      command: stage.command,
      steps: stage.steps.map((step) => {
        if (step.kind === 'upload' || step.kind === 'local') {
          const { content, ...rest } = step;
          return { ...rest, mode: octal(step.mode), size: byteLength(content), sha256: sha256(content) };
        }
        if (step.kind === 'provider') {
          const reviewed = notices?.(step) ?? [];
          return { ...step, ...(requests ? { requests: requests(step) } : {}), ...(reviewed.length > 0 ? { notices: reviewed } : {}) };
        }
        return step;
      }),
    })),
  };
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

function byteLength(content: string): number {
  return Buffer.byteLength(content, 'utf8');
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}
