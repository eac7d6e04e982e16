import { DeployerError } from '../../domain/errors.js';
import type { HetznerHttp } from './http.js';
import type { Action } from './schema.js';

/** hcloud-go and the hcloud CLI poll actions every 500 ms (`pollBackoffFunc`, `--poll-interval`). */
export const POLL_INTERVAL_MS = 500;
/** Servers are usually up in under a minute; past this something is wrong on Hetzner's side. */
export const ACTION_TIMEOUT_MS = 10 * 60_000;
/** hcloud-go asks for at most 25 actions per request. */
const BATCH = 25;

/** Waits until every action succeeded; an action that ends in error throws its code and message. */
export async function waitForActions(http: HetznerHttp, actions: readonly Action[], signal?: AbortSignal, timeoutMs = ACTION_TIMEOUT_MS): Promise<void> {
  let running = actions.filter((action) => {
    throwIfFailed(action);
    return action.status === 'running';
  });
  const deadline = http.time.now() + timeoutMs;
  while (running.length > 0) {
    if (http.time.now() >= deadline) {
      throw new DeployerError('hetzner.action_failed', `The Hetzner action${running.length > 1 ? 's' : ''} ${running.map(describe).join(', ')} did not finish in ${timeoutMs / 60_000} minutes.`, {
        fix: 'check the resource in the Hetzner Console and https://status.hetzner.com; run the command again once the action has finished',
      });
    }
    await http.time.sleep(POLL_INTERVAL_MS, signal);
    const updated: Action[] = [];
    for (let start = 0; start < running.length; start += BATCH) {
      const ids = running.slice(start, start + BATCH).map((action) => action.id);
      // GET /actions takes ids, not pages: one request per batch, no page or per_page.
      const body = await http.request<{ actions: Action[] }>('GET', '/actions', { query: { id: ids, sort: ['status', 'id'] }, signal });
      const missing = ids.filter((id) => !body.actions.some((action) => action.id === id));
      if (missing.length > 0) {
        throw new DeployerError('hetzner.action_failed', `The Hetzner API does not know the action${missing.length > 1 ? 's' : ''} ${missing.map((id) => `#${id}`).join(', ')} it returned earlier, so whether ${missing.length > 1 ? 'they' : 'it'} finished is unknown.`, {
          fix: 'check the resource in the Hetzner Console; run the command again: it resumes from what exists',
          data: { action_ids: missing },
        });
      }
      updated.push(...body.actions);
    }
    for (const action of updated) throwIfFailed(action);
    const stillRunning = new Set(updated.filter((action) => action.status === 'running').map((action) => action.id));
    running = running.filter((action) => stillRunning.has(action.id));
  }
}

function throwIfFailed(action: Action): void {
  if (action.status !== 'error') return;
  const code = action.error?.code ?? 'unknown';
  throw new DeployerError('hetzner.action_failed', `The Hetzner action ${describe(action)} failed: ${action.error?.message ?? 'no message'} (${code}).`, {
    fix: fixFor(code),
    data: { action_id: action.id, command: action.command, hetzner_code: code },
  });
}

function describe(action: Action): string {
  const resources = action.resources.map((resource) => `${resource.type} ${resource.id}`).join(', ');
  return `${action.command} (#${action.id}${resources ? ` on ${resources}` : ''})`;
}

function fixFor(code: string): string {
  if (code === 'resource_unavailable' || code === 'server_type_unavailable' || code === 'placement_error') {
    return 'the location has no capacity for this server type right now; try another provider.location or provider.server_type, or wait and run the command again';
  }
  return 'run the command again; if the action keeps failing, check the resource in the Hetzner Console and https://status.hetzner.com';
}
