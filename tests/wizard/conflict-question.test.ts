/**
 * The review's "Fix" goes to the question whose answer caused a conflict (issue 16): a clash
 * between two entries lands on the one the user chose, never on a question that cannot fix it.
 */
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../questionnaire/types.js';
import { testContext } from '../../screens/wizard/fixtures.js';
import { resolveAnswers } from '../../src/wizard/session.js';
import { configFromAnswers, fixQuestion } from '../../src/wizard/to-config.js';

const context = testContext();
const HTTPS = { https: true, https_services: ['http', 'api'], domain: 'example.org', https_email: 'ops@example.org' };

function conflictsOf(given: Record<string, Answer>) {
  const built = configFromAnswers(resolveAnswers({ name: 'clash', ...given }, context, { acceptDefaults: true }).answers, context, '/tmp/project');
  if (built.ok) throw new Error('these answers were expected to conflict');
  return built.conflicts;
}

describe('the question a conflict is fixed at', () => {
  it.each<[string, Record<string, Answer>, string]>([
    ['an HTTP tracker on the health check API port (1313, not a question)', { http_ports: '1313' }, 'http_ports'],
    ["an HTTP tracker on Grafana's port: the port, not the Grafana yes/no", { http_ports: '3000' }, 'http_ports'],
    ['the REST API on an HTTP tracker port', { api_port: 7070 }, 'api_port'],
    ['an HTTP tracker on the SSH port', { http_ports: '22' }, 'http_ports'],
    ['more HTTP ports than domains: the domains, not the protocols', { ...HTTPS, http_ports: '7070, 7071', http_domains: 'tracker.example.org' }, 'http_domains'],
    ['two HTTP trackers with one domain', { ...HTTPS, http_ports: '7070, 7071', http_domains: 'tracker.example.org, tracker.example.org' }, 'http_domains'],
    ['the REST API on the HTTP tracker domain', { ...HTTPS, http_domains: 'tracker.example.org', api_domain: 'tracker.example.org' }, 'api_domain'],
  ])('%s', (_case, given, expected) => {
    expect(fixQuestion(conflictsOf(given))?.id).toBe(expected);
  });

  it("a port clash with Caddy's fixed port lands on the tracker port that took it", () => {
    const conflicts = conflictsOf({ ...HTTPS, https_services: ['api'], http_ports: '443', protocols: ['http'] });
    expect(conflicts.map((conflict) => conflict.message).join('\n')).toContain('Caddy (HTTPS)');
    expect(fixQuestion(conflicts)?.id).toBe('http_ports');
  });
});
