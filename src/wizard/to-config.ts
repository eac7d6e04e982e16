import { isAbsolute, resolve } from 'node:path';
import { asTypedInConfig } from '../config/interpolate.js';
import { formatKeyPath, type KeyPath } from '../config/problems.js';
import { EnvironmentConfigSchema, type EnvironmentConfig, type EnvironmentConfigInput } from '../config/schema.js';
import { GENERATE_KEY, generatedKeyName, listOf, OTHER_KEY, portsOf, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answers, QuestionContext } from '../../questionnaire/types.js';
import { DATABASE_QUESTION } from '../stack/database-questions.js';
import { DATABASE_CHOICES } from '../stack/database-choices.js';
import { questionForProblem } from './conflict-question.js';

/** A config problem traced back to the question whose answer caused it (and can fix it). */
export interface AnswerConflict {
  readonly path: string;
  readonly message: string;
  readonly question: WizardQuestion | undefined;
}

/** The question the review's "Fix" goes to: the first that can fix one of the conflicts. */
export function fixQuestion(conflicts: readonly AnswerConflict[]): WizardQuestion | undefined {
  return conflicts.find((conflict) => conflict.question)?.question;
}

export type ConfigFromAnswers =
  | { readonly ok: true; readonly config: EnvironmentConfig; /** Generate this key pair before writing. */ readonly keyToGenerate: string | undefined }
  | { readonly ok: false; readonly conflicts: AnswerConflict[] };

/** A typed answer as the config writes it, so it loads back unchanged (no ${…} of it is expanded). */
const text = (answers: Answers, id: string) => asTypedInConfig(String(answers[id] ?? ''));
const optional = (value: string) => (value === '' ? undefined : value);

/** The private key path the answers choose, absolute. */
export function privateKeyPathOf(answers: Answers, context: QuestionContext, workingDir: string): string {
  const choice = String(answers['ssh_key'] ?? '');
  const typed = choice === GENERATE_KEY ? `~/.ssh/${generatedKeyName(answers)}` : choice === OTHER_KEY ? String(answers['ssh_key_path'] ?? '') : choice;
  const path = asTypedInConfig(typed);
  if (path === '~') return context.home;
  if (path.startsWith('~/')) return resolve(context.home, path.slice(2));
  return isAbsolute(path) ? path : resolve(workingDir, path);
}

/** The config the answers describe, checked by the full schema (cross-service rules included). */
export function configFromAnswers(answers: Answers, context: QuestionContext, workingDir: string): ConfigFromAnswers {
  const result = EnvironmentConfigSchema.safeParse(withoutUndefined(configInput(answers, context, workingDir)));
  if (!result.success) {
    return {
      ok: false,
      conflicts: result.error.issues.map((issue) => {
        const path = formatKeyPath(issue.path as KeyPath);
        const clashesWith = (issue as { params?: { clashesWith?: KeyPath } }).params?.clashesWith;
        return { path, message: issue.message, question: questionForProblem(path, clashesWith && formatKeyPath(clashesWith), answers, context) };
      }),
    };
  }
  const keyToGenerate = answers['ssh_key'] === GENERATE_KEY ? result.data.ssh_credentials.private_key_path : undefined;
  return { ok: true, config: result.data, keyToGenerate };
}

function configInput(answers: Answers, context: QuestionContext, workingDir: string): EnvironmentConfigInput {
  const https = answers['https'] === true;
  const tlsFor = (service: string) => https && listOf(answers['https_services']).includes(service);
  const grafana = answers['prometheus'] === true && answers['grafana'] === true;
  const protocols = listOf(answers['protocols']);
  const httpDomains = listOf(answers['http_domains']);
  const privateKey = privateKeyPathOf(answers, context, workingDir);

  return {
    environment: { name: text(answers, 'name'), description: optional(text(answers, 'description')) },
    ssh_credentials: {
      private_key_path: privateKey,
      public_key_path: `${privateKey}.pub`,
      username: text(answers, 'ssh_user'),
      port: Number(answers['ssh_port']),
    },
    provider: providerInput(answers),
    tracker: {
      core: {
        private: answers['private'] === true,
        database: databaseInput(answers),
      },
      udp_trackers: protocols.includes('udp') ? portsOf(answers['udp_ports']).map((port) => ({ bind_address: `0.0.0.0:${port}` })) : [],
      http_trackers: protocols.includes('http')
        ? portsOf(answers['http_ports']).map((port, index) => ({
            bind_address: `0.0.0.0:${port}`,
            ...(tlsFor('http') ? { domain: httpDomains[index], use_tls_proxy: true } : {}),
          }))
        : [],
      http_api: {
        bind_address: `0.0.0.0:${Number(answers['api_port'])}`,
        admin_token: text(answers, 'api_token'),
        ...(tlsFor('api') ? { domain: text(answers, 'api_domain'), use_tls_proxy: true } : {}),
      },
      health_check_api: { bind_address: '127.0.0.1:1313' },
    },
    https: https ? { admin_email: text(answers, 'https_email'), use_staging: answers['https_staging'] === true } : undefined,
    prometheus: answers['prometheus'] === true ? { scrape_interval_in_secs: Number(answers['prometheus_interval']) } : undefined,
    grafana: grafana
      ? {
          admin_user: text(answers, 'grafana_user'),
          admin_password: text(answers, 'grafana_password'),
          ...(tlsFor('grafana') ? { domain: text(answers, 'grafana_domain'), use_tls_proxy: true } : {}),
        }
      : undefined,
    backup: answers['backup'] === true ? { schedule: text(answers, 'backup_schedule'), retention_days: Number(answers['backup_retention']), ...remoteOf(answers) } : undefined,
  } as EnvironmentConfigInput;
}

function providerInput(answers: Answers): EnvironmentConfigInput['provider'] {
  switch (answers['provider']) {
    case 'hetzner':
      return {
        provider: 'hetzner',
        api_token: optional(text(answers, 'hetzner_token')),
        server_type: text(answers, 'hetzner_server_type'),
        location: text(answers, 'hetzner_location'),
        image: text(answers, 'hetzner_image'),
      } as EnvironmentConfigInput['provider'];
    case 'existing':
      return { provider: 'existing', host: optional(text(answers, 'host')) } as EnvironmentConfigInput['provider'];
    default:
      return { provider: 'lxd', profile_name: text(answers, 'lxd_profile'), instance_type: text(answers, 'lxd_instance_type') as 'virtual-machine' | 'container' };
  }
}

/** Optional keys are left out rather than set to undefined, so the config equals what its file loads back to. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, withoutUndefined(item)]));
  }
  return value;
}

/** tracker.core.database from the chosen database's questions; before it is chosen (the recommended settings' first look), just the driver, which the schema then names. */
function databaseInput(answers: Answers): Record<string, unknown> {
  const chosen = DATABASE_CHOICES.find((choice) => choice.driver === answers[DATABASE_QUESTION]);
  return chosen ? chosen.wizard.fromAnswers(answers, (id) => text(answers, id)) : { driver: answers[DATABASE_QUESTION] };
}

/** [backup.remote] when a repository was given. */
function remoteOf(answers: Answers): { remote?: { repository: string; password: string } } {
  const repository = optional(text(answers, 'backup_remote').trim());
  return repository === undefined ? {} : { remote: { repository, password: text(answers, 'backup_remote_password') } };
}
