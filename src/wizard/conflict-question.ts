import type { WizardQuestion } from '../../questionnaire/questions.js';
import type { Answers, QuestionContext } from '../../questionnaire/types.js';
import { applicableQuestions } from './session.js';

/**
 * Which question can fix a config problem. A clash (a port or a domain taken twice) names
 * two entries; the fault is the one the user chose (a port or a domain typed at a
 * question), never a service whose port is fixed (Grafana's 3000, Caddy's 80/443, the
 * health check's 1313): turning that service off is not the fix the user is looking for.
 */

/** Config keys (list indices left out) set by exactly one answer, for the clashes between entries. */
const CHOSEN_BY: Readonly<Record<string, string>> = {
  'ssh_credentials.port': 'ssh_port',
  'tracker.udp_trackers.bind_address': 'udp_ports',
  'tracker.http_trackers.bind_address': 'http_ports',
  'tracker.http_api.bind_address': 'api_port',
  'tracker.http_trackers.domain': 'http_domains',
  // A service behind the TLS proxy without a domain (more HTTP ports than domains): its domain is missing.
  'tracker.http_trackers.use_tls_proxy': 'http_domains',
  'tracker.http_api.domain': 'api_domain',
  'tracker.http_api.use_tls_proxy': 'api_domain',
  'grafana.domain': 'grafana_domain',
  'grafana.use_tls_proxy': 'grafana_domain',
};

/** The question whose answer a problem at `path` (clashing with `clashesWith`) comes from, among those asked for these answers. */
export function questionForProblem(path: string, clashesWith: string | undefined, answers: Answers, context: QuestionContext): WizardQuestion | undefined {
  const asked = applicableQuestions(answers, context);
  const parties = clashesWith === undefined ? [path] : [path, clashesWith];
  for (const party of parties) {
    const id = CHOSEN_BY[withoutIndices(party)];
    const question = asked.find((candidate) => candidate.id === id);
    if (question) return question;
  }
  for (const party of parties) {
    const question = questionForKey(party, asked);
    if (question) return question;
  }
  return undefined;
}

/** The question that fills this config key (the most specific one), among `questions`. */
function questionForKey(path: string, questions: readonly WizardQuestion[]): WizardQuestion | undefined {
  const normalized = withoutIndices(path);
  let best: { question: WizardQuestion; length: number } | undefined;
  for (const question of questions) {
    for (const key of question.keys) {
      if ((normalized === key || normalized.startsWith(`${key}.`)) && key.length > (best?.length ?? -1)) best = { question, length: key.length };
    }
  }
  return best?.question;
}

function withoutIndices(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}
