import type { QuestionContext } from '../../questionnaire/types.js';
import type { WriteChecks } from '../../src/wizard/pre-checks.js';

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
