import type { z } from 'zod';
import { EnvironmentSection, ExistingProvider, HetznerProvider, HttpApiSection, LxdProvider, SshCredentialsSection, UdpTrackerSection } from '../config/schema.js';
import { BackupSection } from '../stack/backup.js';
import { HttpsSection } from '../stack/caddy.js';
import { GrafanaSection } from '../stack/grafana.js';
import { PrometheusSection } from '../stack/prometheus.js';
import { choicesOf, type SchemaCheck, type SchemaField, type WizardQuestion } from '../../questionnaire/questions.js';
import type { Answer, Answers, QuestionContext } from '../../questionnaire/types.js';

/** The schema pieces the questions are checked with, so the wizard cannot accept what the config would reject. */
const SCHEMA_FIELDS: Record<SchemaField, z.ZodType> = {
  'environment.name': EnvironmentSection,
  'environment.description': EnvironmentSection.shape.description,
  'lxd.profile_name': LxdProvider.shape.profile_name,
  'hetzner.api_token': HetznerProvider.shape.api_token,
  'hetzner.server_type': HetznerProvider.shape.server_type,
  'hetzner.location': HetznerProvider.shape.location,
  'hetzner.image': HetznerProvider.shape.image,
  'existing.host': ExistingProvider.shape.host,
  'ssh.private_key_path': SshCredentialsSection.shape.private_key_path,
  'ssh.username': SshCredentialsSection.shape.username,
  'ssh.port': SshCredentialsSection.shape.port,
  bind_address: UdpTrackerSection.shape.bind_address,
  'http_api.admin_token': HttpApiSection.shape.admin_token,
  domain: HttpApiSection.shape.domain,
  'https.admin_email': HttpsSection.shape.admin_email,
  'prometheus.scrape_interval_in_secs': PrometheusSection.shape.scrape_interval_in_secs,
  'grafana.admin_user': GrafanaSection.shape.admin_user,
  'grafana.admin_password': GrafanaSection.shape.admin_password,
  'backup.schedule': BackupSection.shape.schedule,
  'backup.retention_days': BackupSection.shape.retention_days,
};

/** The environment name is checked as a whole section, so the derived instance name's length counts too. */
function schemaInput(field: SchemaField, value: unknown): unknown {
  return field === 'environment.name' ? { name: value } : value;
}

function schemaProblem(check: SchemaCheck, value: unknown): string | undefined {
  const result = 'schema' in check ? check.schema.safeParse(value) : SCHEMA_FIELDS[check.field].safeParse(schemaInput(check.field, value));
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** Why this answer cannot be used (undefined when it can). */
export function answerProblem(question: WizardQuestion, value: Answer, answers: Answers, context: QuestionContext): string | undefined {
  const typeProblem = typeProblemOf(question, value, answers, context);
  if (typeProblem) return typeProblem;
  const ruleProblem = question.rule?.(value, answers, context);
  if (ruleProblem) return ruleProblem;
  if (!question.check) return undefined;
  const values = question.check.values ? question.check.values(value, answers) : [value];
  for (const item of values) {
    const problem = schemaProblem(question.check, item);
    if (problem) return problem;
  }
  return undefined;
}

function typeProblemOf(question: WizardQuestion, value: Answer, answers: Answers, context: QuestionContext): string | undefined {
  switch (question.type) {
    case 'number':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : 'write a whole number';
    case 'confirm':
      return typeof value === 'boolean' ? undefined : 'answer yes or no';
    case 'multi-choice':
      return Array.isArray(value) ? undefined : 'give a list';
    case 'choice': {
      if (typeof value !== 'string' || value === '') return 'choose one';
      const choices = choicesOf(question, answers, context).map((choice) => choice.value);
      return question.openChoice || choices.includes(value) ? undefined : `choose one of: ${choices.join(', ')}`;
    }
    default:
      return typeof value === 'string' ? undefined : 'write some text';
  }
}
