import { describe, expect, it } from 'vitest';
import { errorsOf, validateObject, warningsOf } from '../support/validate-text.js';
import { minimalConfig } from '../support/configs.js';

const base = minimalConfig();
const tracker = base['tracker'] as Record<string, unknown>;
const withTracker = (changes: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  minimalConfig({ tracker: { ...tracker, ...changes }, ...extra });
const tlsApi = { bind_address: '0.0.0.0:1212', admin_token: 'a-long-random-admin-token', domain: 'api.example.com', use_tls_proxy: true };
const https = { admin_email: 'admin@example.com' };

function errorPaths(config: Record<string, unknown>): string[] {
  return errorsOf(validateObject(config)).map((problem) => `${problem.path}: ${problem.message}`);
}

describe('cross-service rules', () => {
  it('accepts the minimal config', () => {
    expect(errorPaths(base)).toEqual([]);
  });

  it('Grafana without Prometheus is an error', () => {
    expect(errorPaths(minimalConfig({ grafana: { admin_password: 'a-long-password' } }))).toEqual([
      expect.stringMatching(/^grafana: Grafana needs Prometheus/),
    ]);
  });

  it('a TLS service needs a domain and the https section', () => {
    expect(errorPaths(withTracker({ http_api: { ...tlsApi, domain: undefined } }))).toEqual([
      expect.stringMatching(/^tracker\.http_api\.use_tls_proxy: the HTTP API uses the TLS proxy but has no domain/),
      expect.stringMatching(/^https: the HTTP API uses the TLS proxy but the https section is missing/),
    ]);
  });

  it('counts Grafana TLS when checking the https section (the Rust deployer did not)', () => {
    const grafanaTls = { prometheus: { scrape_interval_in_secs: 15 }, grafana: { admin_password: 'a-long-password', domain: 'grafana.example.com', use_tls_proxy: true } };
    expect(errorPaths(minimalConfig(grafanaTls))).toEqual([expect.stringMatching(/^https: Grafana uses the TLS proxy but the https section is missing/)]);
    expect(errorPaths(minimalConfig({ ...grafanaTls, https }))).toEqual([]);
  });

  it('an https section without any TLS service is an error', () => {
    expect(errorPaths(minimalConfig({ https }))).toEqual([expect.stringMatching(/^https: the https section is present but no service/)]);
  });

  it('a TLS service must not listen on loopback (Caddy cannot reach it)', () => {
    expect(errorPaths(withTracker({ health_check_api: { bind_address: '127.0.0.1:1313', domain: 'health.example.com', use_tls_proxy: true } }, { https }))).toEqual([
      expect.stringMatching(/^tracker\.health_check_api\.bind_address: the health check API listens on loopback/),
    ]);
  });

  it('HTTP trackers share one on_reverse_proxy: all behind the TLS proxy or none', () => {
    const mixed = [
      { bind_address: '0.0.0.0:7070', domain: 'a.example.com', use_tls_proxy: true },
      { bind_address: '0.0.0.0:7071' },
    ];
    expect(errorPaths(withTracker({ http_trackers: mixed }, { https }))).toEqual([
      expect.stringMatching(/^tracker\.http_trackers\[1\]\.use_tls_proxy: some HTTP trackers use the TLS proxy and some do not/),
    ]);
  });

  it('two HTTPS services cannot share a domain', () => {
    const trackers = [{ bind_address: '0.0.0.0:7070', domain: 'API.example.com', use_tls_proxy: true }];
    expect(errorPaths(withTracker({ http_trackers: trackers, http_api: tlsApi }, { https }))).toEqual([
      expect.stringMatching(/^tracker\.http_api\.domain: the HTTP API and HTTP tracker 1 both use the domain/),
    ]);
  });

  it('ports: unique per protocol in the tracker and on the host; UDP and TCP may share a number', () => {
    expect(errorPaths(withTracker({ udp_trackers: [{ bind_address: '0.0.0.0:7070' }] }))).toEqual([]);
    expect(errorPaths(withTracker({ udp_trackers: [{ bind_address: '0.0.0.0:6969' }, { bind_address: '[::]:6969' }] }))).toEqual([
      expect.stringMatching(/^tracker\.udp_trackers\[1\]\.bind_address: port conflict: UDP tracker 2 and UDP tracker 1 both use 6969\/udp in the tracker container/),
    ]);
    expect(errorPaths(withTracker({ http_trackers: [{ bind_address: '0.0.0.0:22' }] }))).toEqual([
      expect.stringMatching(/port conflict: HTTP tracker 1 and SSH both use 22\/tcp on the host/),
    ]);
    expect(errorPaths(withTracker({ http_trackers: [{ bind_address: '0.0.0.0:3000' }] }, { prometheus: {}, grafana: { admin_password: 'a-long-password' } }))).toEqual([
      expect.stringMatching(/^grafana: port conflict: Grafana and HTTP tracker 1 both use 3000\/tcp on the host/),
    ]);
  });

  it('the health check API is not published, so it may use a port only the host uses', () => {
    expect(errorPaths(withTracker({ health_check_api: { bind_address: '127.0.0.1:9090' } }, { prometheus: {} }))).toEqual([]);
  });

  it('MySQL: root is reserved, the port is checked, an external host is a warning', () => {
    const mysql = { driver: 'mysql', host: 'mysql', port: 3306, database_name: 'tracker', username: 'root', password: 'a-long-password' };
    expect(errorPaths(withTracker({ core: { database: mysql } }))).toEqual([expect.stringMatching(/username "root" is reserved/)]);
    const external = validateObject(withTracker({ core: { database: { ...mysql, username: 'tracker', host: 'db.internal' } } }));
    expect(errorsOf(external)).toEqual([]);
    expect(warningsOf(external).map((problem) => problem.code)).toContain('config.external_database');
  });

  it('an environment name too long for the derived instance name needs instance_name', () => {
    const name = `a${'b'.repeat(44)}`;
    expect(errorPaths(minimalConfig({ environment: { name } }))).toEqual([expect.stringMatching(/^environment\.name: the derived instance name/)]);
    expect(errorPaths(minimalConfig({ environment: { name, instance_name: 'short' } }))).toEqual([]);
  });

  it('missing key files and a missing Hetzner token are warnings that block connecting', () => {
    const loaded = validateObject(minimalConfig({ provider: { provider: 'hetzner', server_type: 'cx22', location: 'nbg1', image: 'ubuntu-24.04' } }));
    expect(errorsOf(loaded)).toEqual([]);
    const blocking = warningsOf(loaded).filter((problem) => problem.blocksConnect).map((problem) => problem.code);
    expect(blocking.sort()).toEqual(['config.key_file_missing', 'config.key_file_missing', 'config.token_missing']);
  });
});

describe('every problem in one pass (schema errors do not hide the rules)', () => {
  const conflicting = { http_api: tlsApi, udp_trackers: [{ bind_address: '0.0.0.0:6969' }, { bind_address: '0.0.0.0:6969' }] };

  it('a file with one schema error and two rule errors lists all three', () => {
    const config = withTracker(conflicting, { environment: { name: 'Not_A_Valid_Name' } });
    expect(errorPaths(config)).toEqual([
      expect.stringMatching(/^environment\.name: environment name is invalid/),
      expect.stringMatching(/^https: the HTTP API uses the TLS proxy but the https section is missing/),
      expect.stringMatching(/^tracker\.udp_trackers\[1\]\.bind_address: port conflict/),
    ]);
  });

  it('an invalid optional value in the tracker section does not stop the rules, nor make up one next to it', () => {
    const badDomainTracker = { bind_address: '0.0.0.0:7070', domain: 'not a domain', use_tls_proxy: true };
    const config = withTracker({ ...conflicting, http_trackers: [badDomainTracker] }, { https });
    const errors = errorPaths(config);
    expect(errors).toEqual([
      expect.stringMatching(/^tracker\.http_trackers\[0\]\.domain: domain is invalid/),
      expect.stringMatching(/^tracker\.udp_trackers\[1\]\.bind_address: port conflict/),
    ]);
  });

  it('a missing key the rules need waits for its fix: no rule problem is guessed', () => {
    const { admin_token: _dropped, ...apiWithoutToken } = tlsApi;
    expect(errorPaths(withTracker({ ...conflicting, http_api: apiWithoutToken }, { https }))).toEqual([expect.stringMatching(/^tracker\.http_api\.admin_token: missing required key/)]);
  });

  it('an unknown key (an error) does not hide the rules either', () => {
    const config = withTracker(conflicting, { environment: { name: 'test-env', privte: true } });
    expect(errorPaths(config)).toEqual([
      expect.stringMatching(/^environment\.privte: unknown key "privte"/),
      expect.stringMatching(/^https: /),
      expect.stringMatching(/^tracker\.udp_trackers\[1\]\.bind_address: port conflict/),
    ]);
  });
});
