import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { answersWith, home, loadWritten, PRINTABLE_ASCII, secretsInConfig, secretsInContainers, TEMPTING_ENVIRONMENT, writeFromAnswers, type StackSecrets } from './round-trip.js';

/**
 * A secret typed into the wizard, an `init` flag or the MCP questionnaire
 * reaches the containers exactly as typed: nothing in it is read as a ${…}
 * reference, by our loader or by compose.
 */

const AWKWARD = [
  PRINTABLE_ASCII,
  'ends with a dollar$',
  'ends with a backslash\\',
  'a${HOME}b',
  '${NAME:-fallback}tail',
  '$${already escaped}',
  "$'\\\"`#;",
];

const eachSecretHolding = (value: string, index: number): StackSecrets => ({
  api_token: `${index}a${value}`,
  mysql_password: `${index}b${value}`,
  mysql_root_password: `${index}c${value}`,
  grafana_password: `${index}d${value}`,
});

describe('secrets are kept verbatim', () => {
  it.each(AWKWARD.map((value, index) => [value, index] as const))('%j from the wizard answers reaches the containers unchanged', async (value, index) => {
    const secrets = eachSecretHolding(value, index);
    const config = await loadWritten(writeFromAnswers(answersWith(secrets)));
    expect(secretsInConfig(config)).toEqual(secrets);
    expect(await secretsInContainers(config)).toEqual(secrets);
  });

  it('the Hetzner token and free text load back unchanged', async () => {
    const config = await loadWritten(
      writeFromAnswers(answersWith(eachSecretHolding('x', 0), { provider: 'hetzner', hetzner_token: `${PRINTABLE_ASCII}$`, description: `${PRINTABLE_ASCII}$` })),
    );
    expect(config.provider).toMatchObject({ provider: 'hetzner', api_token: `${PRINTABLE_ASCII}$` });
    expect(config.environment.description).toBe(`${PRINTABLE_ASCII}$`);
  });

  it('a whole ${VAR} answer stays a reference, as the wizard documents', async () => {
    const config = await loadWritten(writeFromAnswers(answersWith({ ...eachSecretHolding('x', 0), api_token: '${NAME}' })));
    expect(config.tracker.http_api.admin_token).toBe(TEMPTING_ENVIRONMENT.NAME);
  });

  it('init flags carry every printable character to the containers', async () => {
    const workingDir = temporaryDirectory('ttd-init-verbatim-');
    const secrets = eachSecretHolding(`${PRINTABLE_ASCII} a\${HOME}b $\${ \${NAME:-x} $`, 9);
    const flags = [
      '--name=verbatim', '--database=mysql', '--prometheus', '--grafana', '--no-https', '--no-backup',
      `--api-token=${secrets.api_token}`, `--mysql-password=${secrets.mysql_password}`,
      `--mysql-root-password=${secrets.mysql_root_password}`, `--grafana-password=${secrets.grafana_password}`,
    ];
    const result = await runBinary(['init', '--non-interactive', '--yes', '--working-dir', workingDir, ...flags], { env: { HOME: home } });
    expect(result.code, result.stderr).toBe(0);
    const config = await loadWritten(join(workingDir, 'envs', 'verbatim.toml'));
    expect(secretsInConfig(config)).toEqual(secrets);
    expect(await secretsInContainers(config)).toEqual(secrets);
  });
});
