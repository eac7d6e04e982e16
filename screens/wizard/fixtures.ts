import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import type { QuestionContext } from '../../questionnaire/types.js';
import type { WriteChecks } from '../../src/wizard/pre-checks.js';
import { interpolate } from '../../src/config/interpolate.js';
import { parseSecrets, secretsPathFor } from '../../src/config/secrets-file.js';

/** A machine with one key in ~/.ssh, no HCLOUD_TOKEN, and known "generated" secrets. */
export function testContext(overrides: Partial<QuestionContext> = {}): QuestionContext {
  return {
    home: '/home/tester',
    sshKeys: ['/home/tester/.ssh/id_ed25519'],
    hcloudTokenInEnvironment: false,
    generatedSecrets: {
      api_token: 'generated-api-token-0001',
      mysql_password: 'generated-mysql-password-0002',
      mysql_root_password: 'generated-mysql-root-0003',
      grafana_password: 'generated-grafana-0004',
    },
    ...overrides,
  };
}

/** The pre-checks of the fixture's machine, whose key (/home/tester/.ssh/id_ed25519) exists in the context only: nothing to say. */
export function fixtureChecks(): WriteChecks {
  return { missingKey: undefined, warnings: [] };
}

/** The written config as the deployer reads it: the TOML with the ${VAR} of the secrets file beside it filled in. */
export function writtenConfig(path: string): Record<string, any> {
  const secretsPath = secretsPathFor(path);
  const secrets = existsSync(secretsPath) ? parseSecrets(readFileSync(secretsPath, 'utf8'), secretsPath) : {};
  return interpolate(parse(readFileSync(path, 'utf8')), secrets).data as Record<string, any>;
}
