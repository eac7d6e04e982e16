import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import type { EnvironmentConfig } from '../../src/config/schema.js';
import { renderArtifacts } from '../../src/render/render.js';
import { questionContext } from '../../src/wizard/context.js';
import { prepareConfig } from '../../src/wizard/prepare.js';
import { resolveAnswers } from '../../src/wizard/session.js';
import type { Answer } from '../../questionnaire/types.js';
import { temporaryDirectory } from '../support/cli.js';
import { runTool, writeArtifacts } from '../render/tools.js';
import { homeWithKey } from './support.js';

/** The secret questions whose values reach the stack, and the .env variable each ends up in. */
export const STACK_SECRETS = {
  api_token: 'TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN',
  mysql_password: 'MYSQL_PASSWORD',
  mysql_root_password: 'MYSQL_ROOT_PASSWORD',
  grafana_password: 'GF_SECURITY_ADMIN_PASSWORD',
} as const;

export type StackSecrets = Record<keyof typeof STACK_SECRETS, string>;

/** Every printable ASCII character, space to tilde. */
export const PRINTABLE_ASCII = Array.from({ length: 0x7f - 0x20 }, (_, index) => String.fromCharCode(0x20 + index)).join('');

/**
 * What the expansions would pick up if a value were read as a reference: the
 * loader and compose both see these, so a changed value shows.
 */
export const TEMPTING_ENVIRONMENT = { HOME: '/home/operator', PATH: '/usr/bin', NAME: 'expanded', X: 'expanded' };

export const home = homeWithKey();

/** The wizard's answers with these secrets: MySQL and Grafana on, so every stack secret is asked. */
export function answersWith(secrets: StackSecrets, extra: Record<string, Answer> = {}): Record<string, Answer> {
  return { name: 'verbatim', database: 'mysql', prometheus: true, grafana: true, https: false, backup: false, ...secrets, ...extra };
}

/** The answers through the same path the wizard, `init` and the MCP questionnaire take, written to a file and its secrets file. */
export function writeFromAnswers(given: Record<string, Answer>): string {
  const context = questionContext({ HOME: home });
  const resolved = resolveAnswers(given, context, { acceptDefaults: true });
  expect(resolved.invalid).toEqual([]);
  const preparation = prepareConfig(resolved.answers, context, temporaryDirectory('ttd-verbatim-'));
  if (!preparation.ok) throw new Error(JSON.stringify(preparation.conflicts));
  const directory = temporaryDirectory('ttd-verbatim-file-');
  const path = join(directory, 'verbatim.toml');
  writeFileSync(path, preparation.prepared.text, { mode: 0o600 });
  // The secrets go to the file beside the config, which loading reads.
  if (preparation.prepared.secrets) writeFileSync(join(directory, 'verbatim.secrets'), preparation.prepared.secrets.text, { mode: 0o600 });
  return path;
}

/** Loads the file as every command does, with variables around that an expansion would use. */
export async function loadWritten(path: string): Promise<EnvironmentConfig> {
  const loaded = await loadConfigFile(path, TEMPTING_ENVIRONMENT);
  const errors = loaded.problems.filter((problem) => problem.severity === 'error');
  expect(errors).toEqual([]);
  return loaded.config!;
}

/** The environment of each compose service, as `docker compose config` resolves it from the rendered files. */
export async function composeEnvironment(config: EnvironmentConfig): Promise<Record<string, Record<string, string>>> {
  const dir = writeArtifacts(renderArtifacts(config));
  const result = await runTool('docker', ['compose', 'config', '--format', 'json'], { cwd: join(dir, 'opt/torrust'), env: TEMPTING_ENVIRONMENT });
  expect(result.code, result.output).toBe(0);
  // `compose config` prints a file compose can read again, so each literal $ comes out as $$.
  const compose = JSON.parse(result.output.replaceAll('$$', '$')) as { services: Record<string, { environment?: Record<string, string> }> };
  return Object.fromEntries(Object.entries(compose.services).map(([name, service]) => [name, service.environment ?? {}]));
}

/** The value each stack secret has in the running containers' environment. */
export async function secretsInContainers(config: EnvironmentConfig): Promise<StackSecrets> {
  const services = await composeEnvironment(config);
  return {
    api_token: services['tracker']![STACK_SECRETS.api_token]!,
    mysql_password: services['mysql']![STACK_SECRETS.mysql_password]!,
    mysql_root_password: services['mysql']![STACK_SECRETS.mysql_root_password]!,
    grafana_password: services['grafana']![STACK_SECRETS.grafana_password]!,
  };
}

/** The value of each stack secret in the loaded config. */
export function secretsInConfig(config: EnvironmentConfig): StackSecrets {
  const database = config.tracker.core.database;
  if (database.driver !== 'mysql' || !config.grafana) throw new Error('the round trip needs MySQL and Grafana');
  return {
    api_token: config.tracker.http_api.admin_token,
    mysql_password: database.password,
    mysql_root_password: database.root_password ?? '',
    grafana_password: config.grafana.admin_password,
  };
}
