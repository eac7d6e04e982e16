import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { EnvironmentConfigSchema, type EnvironmentConfig } from '../../src/config/schema.js';
import { ACME_CA_ROOT_ARTIFACT, renderArtifacts, type Artifacts } from '../../src/render/render.js';
import { makePki } from '../checks/certificates.js';
import { temporaryDirectory } from '../support/cli.js';
import { runTool, writeArtifacts } from './tools.js';
import { mysqlRootPassword } from '../../src/stack/mysql.js';
import { minimalConfig } from '../support/configs.js';

/** The rendered files follow the config, branch by branch. */

const configOf = (overrides: Record<string, unknown> = {}, tracker: Record<string, unknown> = {}): EnvironmentConfig => {
  const base = minimalConfig(overrides);
  return EnvironmentConfigSchema.parse({ ...base, tracker: { ...(base['tracker'] as object), ...tracker } });
};
const baseTracker = minimalConfig()['tracker'] as Record<string, any>;
const mysql = { core: { private: false, database: { driver: 'mysql', host: 'mysql', port: 3306, database_name: 'torrust', username: 'tracker_user', password: 'user-pass' } } };
const file = (artifacts: Artifacts, path: string) => {
  const artifact = artifacts.get(path);
  if (!artifact) throw new Error(`${path} was not rendered; got ${[...artifacts.keys()].join(', ')}`);
  return artifact.content;
};
const compose = (artifacts: Artifacts) => file(artifacts, 'opt/torrust/docker-compose.yml');
const trackerToml = (artifacts: Artifacts) => parseToml(file(artifacts, 'opt/torrust/storage/tracker/etc/tracker.toml')) as any;
const serviceNames = (artifacts: Artifacts) => [...compose(artifacts).split('\nservices:\n')[1]!.split('\nnetworks:\n')[0]!.matchAll(/^ {2}([a-z]+):$/gm)].map((match) => match[1]);
const serviceBlock = (artifacts: Artifacts, name: string) => {
  const text = compose(artifacts);
  const start = text.indexOf(`\n  ${name}:\n`);
  expect(start, `service ${name}`).toBeGreaterThan(-1);
  const rest = text.slice(start + 1);
  const end = rest.search(/\n\n(?: {2}#| {2}[a-z]|networks:)/);
  return end === -1 ? rest : rest.slice(0, end);
};

describe('database', () => {
  it('MySQL in: a MySQL service with a health check, the tracker waiting on it, the mysql driver and DSN, no SQLite file', () => {
    const artifacts = renderArtifacts(configOf({}, mysql));
    expect(serviceNames(artifacts)).toContain('mysql');
    expect(serviceBlock(artifacts, 'mysql')).toContain('mysqladmin ping');
    expect(serviceBlock(artifacts, 'tracker')).toMatch(/depends_on:\n\s+mysql:\n\s+condition: service_healthy/);
    expect(trackerToml(artifacts).core.database).toEqual({ driver: 'mysql' });
    const env = file(artifacts, 'opt/torrust/.env');
    expect(env).toContain("TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER='mysql'");
    expect(env).toContain("TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH='mysql://tracker_user:user-pass@mysql:3306/torrust'");
    expect(file(artifacts, 'release.sh')).not.toMatch(/lib\/database\/[^ ]+\.db/);
    expect(file(artifacts, 'release.sh')).toContain('-o 999 -g 999 /opt/torrust/storage/mysql');
  });

  it('SQLite in: no MySQL service, the file named by database_name in tracker.toml and created by release', () => {
    const artifacts = renderArtifacts(configOf({}, { core: { private: false, database: { driver: 'sqlite3', database_name: 'my-data.sqlite' } } }));
    expect(serviceNames(artifacts)).not.toContain('mysql');
    expect(trackerToml(artifacts).core.database).toEqual({ driver: 'sqlite3', path: '/var/lib/torrust/tracker/database/my-data.sqlite' });
    expect(file(artifacts, 'release.sh')).toContain('/opt/torrust/storage/tracker/lib/database/my-data.sqlite');
    expect(file(artifacts, 'release.sh')).not.toContain('tracker.db');
    expect(file(artifacts, 'opt/torrust/.env')).not.toContain('MYSQL');
  });

  it('the MySQL root password: the configured one, else derived deterministically and never equal to the user password', () => {
    const database = mysql.core.database as Extract<EnvironmentConfig['tracker']['core']['database'], { driver: 'mysql' }>;
    const derived = mysqlRootPassword(database, 'env-a');
    expect(derived).toHaveLength(32);
    expect(derived).toBe(mysqlRootPassword(database, 'env-a'));
    expect(derived).not.toBe(mysqlRootPassword(database, 'env-b'));
    expect(derived).not.toBe(mysqlRootPassword({ ...database, password: 'other' }, 'env-a'));
    expect(derived).not.toContain(database.password);
    expect(mysqlRootPassword({ ...database, root_password: 'chosen-root' }, 'env-a')).toBe('chosen-root');
    const env = file(renderArtifacts(configOf({}, mysql)), 'opt/torrust/.env');
    expect(env).toContain(`MYSQL_ROOT_PASSWORD='${mysqlRootPassword(database, 'test-env')}'`);
  });
});

describe('trackers and ports', () => {
  it('two UDP trackers in: two listeners and two published UDP ports out', () => {
    const artifacts = renderArtifacts(configOf({}, { udp_trackers: [{ bind_address: '0.0.0.0:6969' }, { bind_address: '[::]:6868' }] }));
    expect(trackerToml(artifacts).udp_trackers).toEqual([{ bind_address: '0.0.0.0:6969' }, { bind_address: '[::]:6868' }]);
    const tracker = serviceBlock(artifacts, 'tracker');
    expect(tracker).toContain('- "6969:6969/udp"');
    expect(tracker).toContain('- "6868:6868/udp"');
    expect(file(artifacts, 'configure.sh')).toContain("ufw allow 6868/udp");
  });

  it('HTTP trackers and the API are published over TCP without TLS; the health check API never is', () => {
    const tracker = serviceBlock(renderArtifacts(configOf()), 'tracker');
    expect(tracker).toContain('- "7070:7070"');
    expect(tracker).toContain('- "1212:1212"');
    expect(tracker).not.toContain('1313');
  });

  it('no HTTP trackers: none in tracker.toml, on_reverse_proxy false', () => {
    const toml = trackerToml(renderArtifacts(configOf({}, { http_trackers: [] })));
    expect(toml.http_trackers).toBeUndefined();
    expect(toml.core.net.on_reverse_proxy).toBe(false);
  });

  it('private in: private = true out', () => {
    expect(trackerToml(renderArtifacts(configOf({}, { core: { ...baseTracker['core'], private: true } }))).core.private).toBe(true);
  });
});

describe('HTTPS', () => {
  const https = { https: { admin_email: 'ops@example.com', use_staging: false } };

  it('a domain with TLS in: a Caddy site proxying to it (Caddy sends X-Forwarded-For itself), on_reverse_proxy, the port not published', () => {
    const artifacts = renderArtifacts(configOf(https, { http_trackers: [{ bind_address: '0.0.0.0:7070', domain: 'tracker.example.com', use_tls_proxy: true }] }));
    expect(serviceNames(artifacts)).toContain('caddy');
    expect(serviceBlock(artifacts, 'caddy')).toMatch(/"80:80"[\s\S]*"443:443"[\s\S]*"443:443\/udp"/);
    expect(serviceBlock(artifacts, 'caddy')).toContain('./storage/caddy/data:/data');
    const caddyfile = file(artifacts, 'opt/torrust/storage/caddy/etc/Caddyfile');
    expect(caddyfile).toMatch(/tracker\.example\.com \{\n\treverse_proxy tracker:7070\n\}/);
    // Caddy warns that header_up X-Forwarded-For is unnecessary: it sends the header by default.
    expect(caddyfile).not.toContain('header_up');
    expect(caddyfile).toContain('email ops@example.com');
    expect(caddyfile).not.toContain('acme-staging');
    expect(trackerToml(artifacts).core.net.on_reverse_proxy).toBe(true);
    expect(serviceBlock(artifacts, 'tracker')).not.toContain('7070:7070');
  });

  it('[BUG fixed] only the health check API with TLS: Caddy still runs and serves it', () => {
    const artifacts = renderArtifacts(configOf(https, { health_check_api: { bind_address: '0.0.0.0:1313', domain: 'health.example.com', use_tls_proxy: true } }));
    expect(serviceNames(artifacts)).toContain('caddy');
    expect(file(artifacts, 'opt/torrust/storage/caddy/etc/Caddyfile')).toMatch(/health\.example\.com \{\n\treverse_proxy tracker:1313\n\}/);
  });

  it('[BUG fixed] only Grafana with TLS: Caddy runs, Grafana is unpublished and on the proxy network', () => {
    const artifacts = renderArtifacts(configOf({ ...https, prometheus: {}, grafana: { admin_password: 'pw', domain: 'grafana.example.com', use_tls_proxy: true } }));
    expect(serviceNames(artifacts)).toContain('caddy');
    expect(file(artifacts, 'opt/torrust/storage/caddy/etc/Caddyfile')).toContain('reverse_proxy grafana:3000');
    const grafana = serviceBlock(artifacts, 'grafana');
    expect(grafana).not.toContain('3000:3000');
    expect(grafana).toContain('proxy_network');
    expect(serviceBlock(artifacts, 'tracker')).not.toContain('proxy_network');
    expect(file(artifacts, 'opt/torrust/.env')).toContain("GF_SERVER_ROOT_URL='https://grafana.example.com/'");
  });

  it('the API with TLS is not published; staging adds the staging CA', () => {
    const artifacts = renderArtifacts(configOf({ https: { admin_email: 'ops@example.com', use_staging: true } }, { http_api: { bind_address: '0.0.0.0:1212', admin_token: 'token-123', domain: 'api.example.com', use_tls_proxy: true } }));
    expect(serviceBlock(artifacts, 'tracker')).not.toContain('1212:1212');
    expect(file(artifacts, 'opt/torrust/storage/caddy/etc/Caddyfile')).toContain('acme_ca https://acme-staging-v02.api.letsencrypt.org/directory');
  });

  describe('a custom ACME CA (https.acme_ca, https.acme_ca_root)', () => {
    const api = { http_api: { bind_address: '0.0.0.0:1212', admin_token: 'token-123', domain: 'api.example.com', use_tls_proxy: true } };
    const custom = (https: Record<string, unknown>) => configOf({ https: { admin_email: 'ops@example.com', acme_ca: 'https://ca.example.com/acme/acme/directory', ...https } }, api);

    it('acme_ca alone: the Caddyfile names the CA, and no root file is uploaded or mounted', () => {
      const artifacts = renderArtifacts(custom({}));
      const caddyfile = file(artifacts, 'opt/torrust/storage/caddy/etc/Caddyfile');
      expect(caddyfile).toMatch(/^\tacme_ca https:\/\/ca\.example\.com\/acme\/acme\/directory$/m);
      expect(caddyfile).not.toContain('acme_ca_root');
      expect(caddyfile).not.toContain('letsencrypt');
      expect(artifacts.has(ACME_CA_ROOT_ARTIFACT)).toBe(false);
      expect(serviceBlock(artifacts, 'caddy')).not.toContain('acme-ca-root');
    });

    it('acme_ca_root: its contents uploaded next to the Caddyfile, mounted read-only into caddy, named in the global options, backed up', () => {
      const pem = makePki('ca.example.com').ca;
      const artifacts = renderArtifacts(custom({ acme_ca_root: '/home/ops/step-ca/root_ca.crt' }), { acmeCaRoot: pem });
      const root = artifacts.get(ACME_CA_ROOT_ARTIFACT);
      expect(root?.content).toBe(pem.trimEnd() + '\n');
      expect(root?.host).toEqual({ path: '/opt/torrust/storage/caddy/etc/acme-ca-root.pem', owner: 'torrust:torrust' });
      expect(root?.mode).toBe(0o644);
      expect(serviceBlock(artifacts, 'caddy')).toContain('- "./storage/caddy/etc/acme-ca-root.pem:/etc/caddy/acme-ca-root.pem:ro"');
      expect(file(artifacts, 'opt/torrust/storage/caddy/etc/Caddyfile')).toMatch(/^\tacme_ca_root \/etc\/caddy\/acme-ca-root\.pem$/m);
      const withBackup = renderArtifacts(configOf({ https: { admin_email: 'ops@example.com', acme_ca: 'https://ca.example.com/dir', acme_ca_root: '/ca.pem' }, backup: {} }, api), { acmeCaRoot: pem });
      expect(file(withBackup, 'opt/torrust/storage/backup/etc/backup-paths.txt')).toContain('/data/storage/caddy/etc/acme-ca-root.pem');
      expect(file(artifacts, 'release.sh')).toContain('/opt/torrust/storage/caddy/etc/acme-ca-root.pem');
    });

    it('acme_ca_root unreadable by the caller: a placeholder naming the file, never an empty certificate', () => {
      const artifacts = renderArtifacts(custom({ acme_ca_root: '/home/ops/root.pem' }));
      expect(artifacts.get(ACME_CA_ROOT_ARTIFACT)?.content).toBe('REPLACE_WITH_THE_CONTENTS_OF /home/ops/root.pem\n');
    });

    it('the rendered Caddyfile with both keys passes caddy validate (the mounted path pointed at the rendered file)', { tags: ['needs-validators'] }, async () => {
      const artifacts = renderArtifacts(custom({ acme_ca_root: '/anywhere/root.pem' }), { acmeCaRoot: makePki('ca.example.com').ca });
      const dir = writeArtifacts(artifacts);
      const caddyfile = join(dir, 'opt/torrust/storage/caddy/etc/Caddyfile');
      writeFileSync(caddyfile, readFileSync(caddyfile, 'utf8').replace('/etc/caddy/acme-ca-root.pem', join(dir, ACME_CA_ROOT_ARTIFACT)));
      const home = temporaryDirectory('ttd-caddy-home-');
      const result = await runTool('caddy', ['validate', '--config', caddyfile, '--adapter', 'caddyfile'], { cwd: dir, env: { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') } });
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain('Valid configuration');
    });
  });

  it('no TLS anywhere: no Caddy service, no Caddyfile, no proxy network', () => {
    const artifacts = renderArtifacts(configOf());
    expect(serviceNames(artifacts)).not.toContain('caddy');
    expect(artifacts.has('opt/torrust/storage/caddy/etc/Caddyfile')).toBe(false);
    expect(compose(artifacts)).not.toContain('proxy_network');
  });
});

describe('monitoring', () => {
  it('no Grafana in: no Grafana service, no provisioning; Prometheus alone on 127.0.0.1 with the token and interval', () => {
    const artifacts = renderArtifacts(configOf({ prometheus: { scrape_interval_in_secs: 42 } }));
    expect(serviceNames(artifacts)).toEqual(['tracker', 'prometheus']);
    expect([...artifacts.keys()].some((path) => path.includes('grafana'))).toBe(false);
    expect(serviceBlock(artifacts, 'prometheus')).toContain('"127.0.0.1:9090:9090"');
    const prometheus = file(artifacts, 'opt/torrust/storage/prometheus/etc/prometheus.yml');
    expect(prometheus).toContain('scrape_interval: 42s');
    expect(prometheus).toContain('token: ["a-long-random-admin-token"]');
    expect(prometheus).toContain('targets: ["tracker:1212"]');
    expect(prometheus).toMatch(/job_name: tracker_stats[\s\S]*job_name: tracker_metrics/);
  });

  it('Grafana in: waits for a healthy Prometheus, gets the datasource and both dashboards', () => {
    const artifacts = renderArtifacts(configOf({ prometheus: {}, grafana: { admin_password: 'pw' } }));
    expect(serviceBlock(artifacts, 'grafana')).toMatch(/prometheus:\n\s+condition: service_healthy/);
    expect(serviceBlock(artifacts, 'grafana')).toContain('"3000:3000"');
    for (const name of ['stats', 'metrics']) {
      const dashboard = JSON.parse(file(artifacts, `opt/torrust/storage/grafana/provisioning/dashboards/torrust/${name}.json`));
      expect(dashboard.panels.length).toBeGreaterThan(4);
    }
    expect(file(artifacts, 'opt/torrust/storage/grafana/provisioning/datasources/prometheus.yml')).toContain('url: http://prometheus:9090');
  });

  it('no monitoring: neither service, and the tracker joins no network it does not need', () => {
    const artifacts = renderArtifacts(configOf());
    expect(serviceNames(artifacts)).toEqual(['tracker']);
    expect(compose(artifacts)).not.toMatch(/^networks:/m);
  });
});

describe('backups', () => {
  it('backups off: no backup service, no cron, no backup files; release removes a stale cron entry', () => {
    const artifacts = renderArtifacts(configOf());
    expect(serviceNames(artifacts)).not.toContain('backup');
    expect([...artifacts.keys()].some((path) => path.includes('backup'))).toBe(false);
    expect(file(artifacts, 'release.sh')).toContain('rm -f /etc/cron.d/tracker-backup');
  });

  it('backups on: the backup job under a profile, the cron entry from the schedule, retention in backup.conf', () => {
    const artifacts = renderArtifacts(configOf({ backup: { schedule: '15 4 * * 1', retention_days: 9 } }));
    expect(serviceBlock(artifacts, 'backup')).toContain('profiles: ["backup"]');
    expect(file(artifacts, 'etc/cron.d/tracker-backup')).toMatch(/^15 4 \* \* 1 root \/usr\/local\/bin\/maintenance-backup\.sh >> \/var\/log\/tracker-backup\.log 2>&1$/m);
    const conf = file(artifacts, 'opt/torrust/storage/backup/etc/backup.conf');
    expect(conf).toContain('BACKUP_RETENTION_DAYS=9');
    expect(conf).toContain('DB_TYPE=sqlite');
    expect(conf).toContain('DB_PATH=/data/storage/tracker/lib/database/tracker.db');
    expect(artifacts.get('usr/local/bin/maintenance-backup.sh')?.mode).toBe(0o755);
  });

  it('backups with MySQL: the job reaches MySQL and gets the password from .env only', () => {
    const artifacts = renderArtifacts(configOf({ backup: {} }, mysql));
    const backup = serviceBlock(artifacts, 'backup');
    expect(backup).toContain('database_network');
    expect(backup).toContain('DB_PASSWORD: "${MYSQL_PASSWORD}"');
    expect(file(artifacts, 'opt/torrust/storage/backup/etc/backup.conf')).not.toContain('user-pass');
  });
});

describe('every file', () => {
  const full = configOf(
    { https: { admin_email: 'ops@example.com' }, prometheus: {}, grafana: { admin_password: 'grafana-secret-pw', domain: 'grafana.example.com', use_tls_proxy: true }, backup: {} },
    { ...mysql, http_api: { bind_address: '0.0.0.0:1212', admin_token: 'admin-secret-token' } },
  );
  const artifacts = renderArtifacts(full, { instanceIp: '198.51.100.7', sshPublicKey: 'ssh-ed25519 AAAA test' });

  it('is byte-identical when rendered again (no timestamps)', () => {
    const again = renderArtifacts(full, { instanceIp: '198.51.100.7', sshPublicKey: 'ssh-ed25519 AAAA test' });
    expect([...again]).toEqual([...artifacts]);
  });

  it('starts with a header in its own comment syntax (JSON excepted)', () => {
    for (const [path, { content }] of artifacts) {
      if (path.endsWith('.json')) continue;
      const lines = content.split('\n');
      const first = path === 'cloud-init.yml' ? (expect(lines[0]).toBe('#cloud-config'), lines[1]) : path.endsWith('.sh') ? (expect(lines[0]).toBe('#!/usr/bin/env bash'), lines[1]) : path.endsWith('.md') ? lines[1] : lines[0];
      expect(first, path).toMatch(/^(# |\s*)Generated by torrust-tracker-deployer/);
      expect(content, path).toContain('Docs: docs/user-guide/render.md');
    }
  });

  it('holds secrets only in .env and prometheus.yml, both 0600', () => {
    const secrets = ['user-pass', 'admin-secret-token', 'grafana-secret-pw', mysqlRootPassword(full.tracker.core.database as never, full.environment.name)];
    const holders = [...artifacts].filter(([, { content }]) => secrets.some((secret) => content.includes(secret))).map(([path]) => path);
    expect(holders.sort()).toEqual(['opt/torrust/.env', 'opt/torrust/storage/prometheus/etc/prometheus.yml']);
    for (const path of holders) expect(artifacts.get(path)?.mode, path).toBe(0o600);
    expect(compose(artifacts)).toMatch(/MYSQL_PASSWORD: "\$\{MYSQL_PASSWORD\}"/);
  });

  it('puts the SSH user and key in cloud-init, and the instance address in the service URLs', () => {
    expect(file(artifacts, 'cloud-init.yml')).toContain('- "ssh-ed25519 AAAA test"');
    expect(file(artifacts, 'run.sh')).toContain('udp://198.51.100.7:6969/announce');
  });

  it('changes the SSH port through cloud-init only when it is not 22', () => {
    expect(file(artifacts, 'cloud-init.yml')).not.toContain('Port ');
    const custom = renderArtifacts(configOf({ ssh_credentials: { ...(minimalConfig()['ssh_credentials'] as object), port: 2222 } }));
    expect(file(custom, 'cloud-init.yml')).toContain('Port 2222');
    expect(file(custom, 'configure.sh')).toContain('ufw allow 2222/tcp');
  });
});

describe('images', () => {
  it('a registry mirror in: configure writes daemon.json with the mirror (insecure when plain http) and restarts Docker; none out: daemon.json untouched', () => {
    const mirrored = file(renderArtifacts(configOf({ images: { registry_mirror: 'http://10.0.0.1:5000' } })), 'configure.sh');
    expect(mirrored).toContain('"registry-mirrors": [\n    "http://10.0.0.1:5000"\n  ]');
    expect(mirrored).toContain('"insecure-registries": [\n    "10.0.0.1:5000"\n  ]');
    expect(mirrored).toContain('systemctl restart docker');
    expect(mirrored.indexOf('daemon.json')).toBeGreaterThan(mirrored.indexOf('apt-get update'));
    const tls = file(renderArtifacts(configOf({ images: { registry_mirror: 'https://mirror.example.com' } })), 'configure.sh');
    expect(tls).toContain('"https://mirror.example.com"');
    expect(tls).not.toContain('insecure-registries');
    expect(file(renderArtifacts(configOf()), 'configure.sh')).not.toContain('daemon.json');
  });
});
