import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';
import { errorsOf, validateObject, warningsOf } from '../support/validate-text.js';

const SECRET = 'Zk3-very-secret-value-9q';
const tracker = minimalConfig()['tracker'] as Record<string, unknown>;

describe('${VAR} references', () => {
  it('resolves ${VAR} and ${VAR:-default}, and $${ stays literal', () => {
    const loaded = validateObject(
      minimalConfig({
        environment: { name: '${ENV_NAME}', description: 'costs $${HOME} ${MISSING:-nothing}' },
        tracker: { ...tracker, http_api: { bind_address: '0.0.0.0:${API_PORT:-1212}', admin_token: '${ADMIN_TOKEN}' } },
      }),
      { ENV_NAME: 'from-env', ADMIN_TOKEN: SECRET },
    );
    expect(errorsOf(loaded)).toEqual([]);
    expect(loaded.config?.environment).toEqual({ name: 'from-env', description: 'costs ${HOME} nothing' });
    expect(loaded.config?.tracker.http_api).toMatchObject({ bind_address: '0.0.0.0:1212', admin_token: SECRET });
  });

  it('an unset variable is an error naming it and the key', () => {
    const loaded = validateObject(minimalConfig({ tracker: { ...tracker, http_api: { bind_address: '0.0.0.0:1212', admin_token: '${ADMIN_TOKEN}' } } }));
    expect(errorsOf(loaded)).toEqual([
      expect.objectContaining({ code: 'config.env_var_unset', path: 'tracker.http_api.admin_token', message: 'environment variable ADMIN_TOKEN is not set', fix: expect.stringContaining('export ADMIN_TOKEN=') }),
    ]);
  });

  it('a malformed reference is an error', () => {
    const loaded = validateObject(minimalConfig({ environment: { name: '${1BAD}' } }));
    expect(errorsOf(loaded).map((problem) => problem.code)).toContain('config.invalid_reference');
  });

  it('secrets from the environment are never echoed by validate, in text or JSON, even in errors and at -vvv', async () => {
    const dir = temporaryDirectory('ttd-secret-');
    const file = join(dir, 'env.json');
    const config = minimalConfig({
      tracker: {
        ...tracker,
        udp_trackers: [{ bind_address: '${BIND}' }],
        http_api: { bind_address: '0.0.0.0:1212', admin_token: '${ADMIN_TOKEN}' },
      },
      prometheus: {},
      grafana: { admin_password: '${ADMIN_TOKEN}' },
    });
    writeFileSync(file, JSON.stringify(config));
    const env = { ADMIN_TOKEN: SECRET, BIND: '0.0.0.0:6969' };
    for (const flags of [[], ['--json'], ['-vvv']]) {
      const valid = await runBinary(['validate', file, ...flags], { env });
      expect(valid.code).toBe(0);
      expect(valid.stdout + valid.stderr).not.toContain(SECRET);
    }
    const broken = await runBinary(['validate', file, '-vvv'], { env: { ADMIN_TOKEN: SECRET, BIND: SECRET } });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('tracker.udp_trackers[0].bind_address');
    expect(broken.stdout + broken.stderr).not.toContain(SECRET);
  });
});

describe('TORRUST_DEPLOYER_CONFIG_OVERRIDE_*', () => {
  it('overrides keys by path, typed by the schema, creating sections as needed', () => {
    const loaded = validateObject(minimalConfig(), {
      TORRUST_DEPLOYER_CONFIG_OVERRIDE_TRACKER__HTTP_API__ADMIN_TOKEN: SECRET,
      TORRUST_DEPLOYER_CONFIG_OVERRIDE_TRACKER__CORE__PRIVATE: 'true',
      TORRUST_DEPLOYER_CONFIG_OVERRIDE_TRACKER__UDP_TRACKERS__0__BIND_ADDRESS: '0.0.0.0:6868',
      TORRUST_DEPLOYER_CONFIG_OVERRIDE_PROMETHEUS__SCRAPE_INTERVAL_IN_SECS: '30',
    });
    expect(errorsOf(loaded)).toEqual([]);
    expect(loaded.config?.tracker.http_api.admin_token).toBe(SECRET);
    expect(loaded.config?.tracker.core.private).toBe(true);
    expect(loaded.config?.tracker.udp_trackers[0]?.bind_address).toBe('0.0.0.0:6868');
    expect(loaded.config?.prometheus).toEqual({ scrape_interval_in_secs: 30 });
    expect(loaded.overrides.map((override) => override.variable)).toHaveLength(4);
  });

  it('a wrongly typed override is an error; an unknown key is a warning', () => {
    const loaded = validateObject(minimalConfig(), {
      TORRUST_DEPLOYER_CONFIG_OVERRIDE_TRACKER__CORE__PRIVATE: 'yes',
      TORRUST_DEPLOYER_CONFIG_OVERRIDE_TRACKER__NOPE: 'x',
    });
    expect(errorsOf(loaded)).toEqual([expect.objectContaining({ code: 'config.invalid_override', path: 'tracker.core.private' })]);
    expect(warningsOf(loaded)).toContainEqual(expect.objectContaining({ code: 'config.unknown_override', path: 'tracker.nope' }));
  });
});

describe('HCLOUD_TOKEN', () => {
  const hetzner = { provider: 'hetzner', server_type: 'cx22', location: 'nbg1', image: 'ubuntu-24.04' };

  it('is the Hetzner token when the file has none', () => {
    const loaded = validateObject(minimalConfig({ provider: hetzner }), { HCLOUD_TOKEN: SECRET });
    expect(loaded.config?.provider).toMatchObject({ provider: 'hetzner', api_token: SECRET });
    expect(warningsOf(loaded).map((problem) => problem.code)).not.toContain('config.token_missing');
  });

  it('does not replace a token written in the file', () => {
    const loaded = validateObject(minimalConfig({ provider: { ...hetzner, api_token: 'from-the-file-token' } }), { HCLOUD_TOKEN: SECRET });
    expect(loaded.config?.provider).toMatchObject({ api_token: 'from-the-file-token' });
  });
});

describe('unknown keys', () => {
  it('are errors with a did-you-mean, and the rest is still validated', () => {
    const loaded = validateObject(minimalConfig({ environment: { name: 'test-env', descripton: 'typo' }, prometheus: { scrape_intervall_in_secs: 10 }, tracker: { ...(minimalConfig()['tracker'] as object), core: { database: { driver: 'sqlite3', database_name: 'tracker.db' }, privte: true } } }));
    expect(loaded.config).toBeUndefined();
    expect(errorsOf(loaded)).toHaveLength(3);
    expect(errorsOf(loaded)).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'config.unknown_key', path: 'environment.descripton', fix: 'did you mean "description"?' }),
      expect.objectContaining({ code: 'config.unknown_key', path: 'prometheus.scrape_intervall_in_secs', fix: 'did you mean "scrape_interval_in_secs"?' }),
      expect.objectContaining({ code: 'config.unknown_key', path: 'tracker.core.privte', fix: 'did you mean "private"?' }),
    ]));
  });

  it('inside a provider, suggestions come from that provider\'s keys', () => {
    const loaded = validateObject(minimalConfig({ provider: { provider: 'hetzner', server_type: 'cx22', location: 'nbg1', image: 'ubuntu-24.04', api_tokn: 'x' } }));
    expect(errorsOf(loaded)).toContainEqual(expect.objectContaining({ path: 'provider.api_tokn', fix: 'did you mean "api_token"?' }));
  });

  it('the Rust deployer\'s caddy section stays a warning, and the config is valid', () => {
    const loaded = validateObject(minimalConfig({ caddy: { domain: 'tracker.example.org' } }));
    expect(errorsOf(loaded)).toEqual([]);
    expect(loaded.config).toBeDefined();
    expect(warningsOf(loaded)).toContainEqual(expect.objectContaining({ code: 'config.ignored_key', path: 'caddy' }));
  });
});
