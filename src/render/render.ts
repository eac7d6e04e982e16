import { instanceNameOf, type EnvironmentConfig } from '../config/schema.js';
import { publicServiceUrls } from '../domain/service-urls.js';
import { topologyOf, type Topology } from '../domain/topology.js';
import { configureSteps } from '../remote/steps/configure.js';
import { releaseSteps, type HostFile } from '../remote/steps/release.js';
import { BACKUP_ARCHIVES, backupFilePath } from '../stack/backup-files.js';
import { BACKUP_CRON_PATH, BACKUP_LOG_PATH } from '../stack/backup.js';
import { runSteps } from '../remote/steps/run.js';
import { httpsDomains } from '../domain/dns-records.js';
import { DEPLOY_DIR, PROMETHEUS_UID, type HostStep } from '../remote/steps/step.js';
import { ACME_CA_ROOT_FILE, ACME_CA_ROOT_IN_CADDY } from '../stack/caddy.js';
import { PROMETHEUS_PORT } from '../stack/prometheus.js';
import { databaseOf, databaseRunChecks } from '../stack/databases.js';
import { deployedServices, stackImages } from '../stack/queries.js';
import { composeModel, NETWORK_DESCRIPTIONS } from './compose.js';
import { DASHBOARDS_SOURCE, metricsDashboard, statsDashboard } from './dashboards.js';
import { envVariables } from './env-file.js';
import { provenance, type CommentSyntax, type PendingHeader } from './header.js';
import { shellQuote } from '../shell/quote.js';
import { caddyToken, dotenvValue, tomlString, yamlString } from './quote.js';
import { renderTemplate } from './template.js';
import { addRemoteFiles, offsiteScriptValues } from './offsite.js';

/** One rendered file. */
export interface Artifact {
  readonly content: string;
  /** 0600 when it holds a secret, 0755 for scripts, 0644 otherwise. */
  readonly mode: number;
  /** Where `release` installs it on the host, and who owns it there; absent for files used elsewhere. */
  readonly host?: { readonly path: string; readonly owner: string };
}

/** Relative path (POSIX separators) → file. Sorted by path, so output order is stable too. */
export type Artifacts = ReadonlyMap<string, Artifact>;

export interface RenderOptions {
  /** The instance address, when known: used for service URLs. */
  readonly instanceIp?: string | undefined;
  /** The SSH public key line for cloud-init; a placeholder naming the key file is written when it is unknown. */
  readonly sshPublicKey?: string | undefined;
  /** The contents of https.acme_ca_root (read by the caller); a placeholder naming the file is written when it is unknown. */
  readonly acmeCaRoot?: string | undefined;
  /** The contents of backup.remote.ssh_private_key_path (read by the caller); a placeholder naming the file is written when it is unknown. */
  readonly resticSshKey?: string | undefined;
}

/** Where the https.acme_ca_root certificate goes in the render output (and on the host, next to the Caddyfile). */
export const ACME_CA_ROOT_ARTIFACT = `opt/torrust/storage/caddy/etc/${ACME_CA_ROOT_FILE}`;

export const SCRIPT_NAMES = ['configure.sh', 'release.sh', 'run.sh'] as const;
const SECRET = 0o600;
const PUBLIC = 0o644;
const EXECUTABLE = 0o755;

/**
 * Every file the server runs, from the config alone: pure and deterministic (the
 * same config and options give byte-identical files). Paths under opt/, etc/ and
 * usr/ mirror where `release` puts them on the host.
 */
export function renderArtifacts(config: EnvironmentConfig, options: RenderOptions = {}): Artifacts {
  const topology = topologyOf(config);
  const files = new Map<string, Artifact>();
  const user = config.ssh_credentials.username;
  const environment = config.environment.name;
  const add = (path: string, mode: number, syntax: CommentSyntax | undefined, drivenBy: readonly string[], body: (head: PendingHeader) => string, owner?: string) => {
    const hostPath = hostPathOf(path);
    const head: PendingHeader = { syntax, environment, drivenBy, ...(hostPath === undefined ? {} : { hostPath }) };
    files.set(path, { content: body(head), mode, ...(hostPath === undefined ? {} : { host: { path: hostPath, owner: owner ?? (hostPath.startsWith(DEPLOY_DIR) ? `${user}:${user}` : 'root:root') } }) });
  };
  const services = topology.services;
  const database = databaseOf(config);

  add('opt/torrust/docker-compose.yml', PUBLIC, '#', ['tracker', 'tracker.core.database', 'https', 'prometheus', 'grafana', 'backup', 'images'], (head) =>
    renderTemplate('docker-compose.yml', { header: head, model: composeModel(config, { instanceIp: options.instanceIp }, topology), networkDescriptions: NETWORK_DESCRIPTIONS, y: yamlString }),
  );
  add('opt/torrust/.env', SECRET, '#', ['tracker.http_api.admin_token', 'tracker.core.database', 'grafana'], (head) =>
    renderTemplate('env', { header: head, variables: envVariables(config, options.instanceIp), dotenv: dotenvValue }),
  );
  add('opt/torrust/storage/tracker/etc/tracker.toml', PUBLIC, '#', ['tracker'], (head) =>
    renderTemplate('tracker.toml', {
      header: head,
      config,
      topology,
      onReverseProxy: topology.httpTrackers.length > 0 && topology.httpTrackers.every((http) => http.tls),
      databasePath: database.module.trackerPath?.(database.settings),
      t: tomlString,
    }),
  );

  if (services.includes('caddy') && config.https) {
    add('opt/torrust/storage/caddy/etc/Caddyfile', PUBLIC, '#', ['https', '*.domain', '*.use_tls_proxy'], (head) =>
      renderTemplate('Caddyfile', { header: head, https: config.https, acmeCaRoot: config.https?.acme_ca_root === undefined ? undefined : ACME_CA_ROOT_IN_CADDY, sites: caddySites(topology), caddy: caddyToken }),
    );
    const acmeCaRoot = config.https.acme_ca_root;
    if (acmeCaRoot !== undefined) {
      // PEM has no comment syntax Caddy's loader skips reliably, so no header: the Caddyfile names it.
      add(ACME_CA_ROOT_ARTIFACT, PUBLIC, undefined, [], () => {
        const pem = options.acmeCaRoot?.trim();
        return `${pem || `REPLACE_WITH_THE_CONTENTS_OF ${acmeCaRoot}`}\n`;
      });
    }
  }

  if (config.prometheus) {
    const interval = config.prometheus.scrape_interval_in_secs;
    add('opt/torrust/storage/prometheus/etc/prometheus.yml', SECRET, '#', ['prometheus.scrape_interval_in_secs', 'tracker.http_api'], (head) =>
      renderTemplate('prometheus.yml', {
        header: head,
        interval,
        token: config.tracker.http_api.admin_token,
        target: `tracker:${topology.httpApi.port}`,
        jobs: [
          { name: 'tracker_stats', path: '/api/v1/stats', comment: 'Aggregate counters: torrents, peers, requests per protocol' },
          { name: 'tracker_metrics', path: '/api/v1/metrics', comment: 'Labelled metrics: requests by kind, result and port' },
        ],
        y: yamlString,
      }),
      `${PROMETHEUS_UID}:${PROMETHEUS_UID}`,
    );
    if (config.grafana) {
      const provisioning = 'opt/torrust/storage/grafana/provisioning';
      add(`${provisioning}/datasources/prometheus.yml`, PUBLIC, '#', ['prometheus.scrape_interval_in_secs'], (head) =>
        renderTemplate('grafana-datasource', { header: head, interval, prometheusPort: PROMETHEUS_PORT }),
      );
      add(`${provisioning}/dashboards/torrust.yml`, PUBLIC, '#', ['grafana'], (head) => renderTemplate('grafana-dashboards', { header: head }));
      // JSON has no comments: the dashboard's description says where it came from.
      add(`${provisioning}/dashboards/torrust/metrics.json`, PUBLIC, undefined, [], () => metricsDashboard(provenance(DASHBOARDS_SOURCE)));
      add(`${provisioning}/dashboards/torrust/stats.json`, PUBLIC, undefined, [], () => statsDashboard(provenance(DASHBOARDS_SOURCE)));
    }
  }

  if (config.backup) {
    const backup = config.backup;
    add('opt/torrust/storage/backup/etc/backup.conf', PUBLIC, '#', ['backup.retention_days', 'tracker.core.database'], (head) =>
      renderTemplate('backup.conf', { header: head, backup, variables: database.module.backupConf(database.settings), sh: shellQuote }),
    );
    add('opt/torrust/storage/backup/etc/backup-paths.txt', PUBLIC, '#', ['prometheus', 'grafana', 'https'], (head) =>
      renderTemplate('backup-paths.txt', { header: head, paths: backupPaths(config, topology) }),
    );
    add('opt/torrust/storage/backup/etc/backup.sh', EXECUTABLE, '#', ['backup', 'tracker.core.database.driver'], (head) =>
      renderTemplate('backup.sh', {
        header: head,
        dirs: BACKUP_ARCHIVES.map((archive) => `/backups/${archive.kind}`),
        files: Object.fromEntries(BACKUP_ARCHIVES.map((archive) => [archive.kind, `/backups/${backupFilePath(archive, '${stamp}')}`])),
        dumpTemplate: database.module.dumpTemplate,
        dumpFile: `/backups/${backupFilePath(database.module.dump, '${stamp}')}`,
      }),
    );
    add('usr/local/bin/maintenance-backup.sh', EXECUTABLE, '#', ['backup'], (head) => renderTemplate('maintenance-backup.sh', { header: head, deployDir: DEPLOY_DIR, ...offsiteScriptValues(config) }));
    if (backup.remote) addRemoteFiles(backup.remote, add, options.resticSshKey);
    add(BACKUP_CRON_PATH.slice(1), PUBLIC, '#', ['backup.schedule'], (head) =>
      renderTemplate('tracker-backup.cron', { header: head, schedule: backup.schedule.trim(), logPath: BACKUP_LOG_PATH }),
    );
  }

  add('cloud-init.yml', PUBLIC, '#', ['ssh_credentials.username', 'ssh_credentials.public_key_path', 'ssh_credentials.port'], (head) =>
    renderTemplate('cloud-init.yml', {
      header: head,
      username: user,
      publicKey: options.sshPublicKey?.trim() || `REPLACE_WITH_THE_CONTENTS_OF ${config.ssh_credentials.public_key_path}`,
      sshPort: config.ssh_credentials.port,
      y: yamlString,
    }),
  );

  const hostFiles: HostFile[] = [...files].filter(([, artifact]) => artifact.host).map(([path, artifact]) => ({ source: path, target: artifact.host!.path, mode: artifact.mode, owner: artifact.host!.owner }));
  const scripts: Record<(typeof SCRIPT_NAMES)[number], { purpose: string; steps: HostStep[]; done: string; drivenBy: string[] }> = {
    'configure.sh': { purpose: 'configure: Docker, compose v2, the images pulled in the background, automatic security updates, firewall.', steps: configureSteps(config), done: 'Configured. Next: sudo bash release.sh', drivenBy: ['ssh_credentials', 'tracker (public ports)', 'https', 'grafana', 'images'] },
    'release.sh': { purpose: 'release: storage directories, the rendered files, the database file, the backup schedule.', steps: releaseSteps(config, hostFiles, '"$here"'), done: 'Released. Next: sudo bash run.sh', drivenBy: ['tracker.core.database', 'prometheus', 'grafana', 'https', 'backup'] },
    'run.sh': { purpose: 'run: pull the images and start the stack, waiting until it is healthy.', steps: runSteps(stackImages(config), { certificateDomains: httpsDomains(config), databaseChecks: databaseRunChecks(config) }), done: `Running. Tracker services: ${publicServiceUrls(config, options.instanceIp).join(', ')}`, drivenBy: ['tracker', 'images'] },
  };
  for (const [name, script] of Object.entries(scripts)) {
    add(name, EXECUTABLE, '#', script.drivenBy, (head) =>
      renderTemplate('host-script.sh', { header: head, name, purpose: script.purpose, steps: script.steps, done: script.done, needsHere: name === 'release.sh', sh: shellQuote }),
    );
  }

  add('README.md', PUBLIC, 'html', ['the whole config'], (head) =>
    renderTemplate('README.md', {
      header: head,
      environment,
      instance: instanceNameOf(config),
      services,
      urls: publicServiceUrls(config, options.instanceIp),
      files: [...files].map(([path, artifact]) => ({ path, mode: artifact.mode.toString(8).padStart(4, '0'), target: artifact.host?.path })),
    }),
  );

  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function hostPathOf(path: string): string | undefined {
  return /^(opt|etc|usr)\//.test(path) ? `/${path}` : undefined;
}

interface CaddySite {
  readonly label: string;
  readonly key: string;
  readonly domain: string;
  readonly upstream: string;
}

function caddySites(topology: Topology): CaddySite[] {
  return topology.tlsSites.flatMap((site) =>
    site.domain === undefined ? [] : [{
      label: site.label,
      key: site.key.join('.'),
      domain: site.domain,
      upstream: `${site.upstream.service}:${site.upstream.port}`,
    }],
  );
}

/** What the config archive of a backup holds: each deployed service's files, the backup job's last. */
function backupPaths(config: EnvironmentConfig, topology: Topology): string[] {
  return deployedServices(config, topology.tlsSites).flatMap((service) => service.backupPaths?.(config) ?? []);
}
