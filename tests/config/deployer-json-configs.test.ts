import { expect, it } from 'vitest';
import { deployerJsonFixtures, readJson } from '../support/configs.js';
import { describeDeployerJsonConfigs } from './deployer-json-checks.js';

const files = deployerJsonFixtures();

describeDeployerJsonConfigs('the project\'s configs in the Rust deployer\'s JSON format (tests/fixtures/deployer-json)', files);

it('the fixtures cover both providers, both databases, HTTPS on each service, monitoring, backups, private mode and the caddy section', () => {
  const configs = files.map((file) => readJson(file) as Record<string, any>);
  const some = (predicate: (config: Record<string, any>) => boolean) => configs.some(predicate);
  expect(some((config) => config['provider'].provider === 'lxd') && some((config) => config['provider'].provider === 'hetzner')).toBe(true);
  expect(some((config) => config['tracker'].core.database.driver === 'sqlite3') && some((config) => config['tracker'].core.database.driver === 'mysql')).toBe(true);
  for (const service of ['http_api', 'health_check_api'] as const) expect(some((config) => config['tracker'][service].use_tls_proxy === true), service).toBe(true);
  expect(some((config) => config['tracker'].http_trackers.some((tracker: { use_tls_proxy?: boolean }) => tracker.use_tls_proxy === true))).toBe(true);
  expect(some((config) => config['grafana']?.use_tls_proxy === true)).toBe(true);
  expect(some((config) => config['https'] && config['https'].use_staging === true) && some((config) => config['https'] && !config['https'].use_staging)).toBe(true);
  expect(some((config) => config['prometheus'] && config['grafana']) && some((config) => config['backup'])).toBe(true);
  expect(some((config) => config['tracker'].core.private === true) && some((config) => 'caddy' in config)).toBe(true);
  expect(some((config) => config['tracker'].udp_trackers.length === 0) && some((config) => config['tracker'].http_trackers.length === 0)).toBe(true);
});
