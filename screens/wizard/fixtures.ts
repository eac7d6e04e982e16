import type { QuestionContext } from '../../questionnaire/types.js';

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
