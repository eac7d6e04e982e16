import { HETZNER_DEFAULTS, HETZNER_SERVER_TYPE_CHOICES } from '../src/providers/hetzner/defaults.js';
import { DEFAULT_BACKUP_RETENTION_DAYS, DEFAULT_BACKUP_SCHEDULE } from '../src/stack/backup-defaults.js';
import { DATABASE_QUESTION } from '../src/stack/database-questions.js';
import { DATABASE_CHOICES } from '../src/stack/database-choices.js';
import { REMOTE_PASSWORD_VARIABLE, repositoryKind } from '../src/stack/backup-repository.js';
import { resolveDynamic, type Answer, type Answers, type Choice, type Question, type QuestionContext } from './types.js';

/**
 * The questionnaire of the Rust deployer (ANCHOR.md §7), as data. Order
 * matters: a question's condition and default read only earlier answers.
 * `check` names the config schema field that validates the answer (see
 * src/wizard/validate-answer.ts); `rule` holds checks that span answers.
 */

export type SchemaCheck = (
  | {
      /** Key of the schema field in src/wizard/validate-answer.ts. */
      readonly field: SchemaField;
    }
  | {
      /** A key of a database's tracker.core.database schema, for the questions a database module declares (src/stack/). */
      readonly database: string;
      readonly key: string;
    }
) & {
  /** The values to check, built from the answer (a list of ports gives one bind address each). */
  readonly values?: (answer: Answer, answers: Answers) => readonly unknown[];
};

export type SchemaField =
  | 'environment.name'
  | 'environment.description'
  | 'lxd.profile_name'
  | 'hetzner.api_token'
  | 'hetzner.server_type'
  | 'hetzner.location'
  | 'hetzner.image'
  | 'existing.host'
  | 'ssh.private_key_path'
  | 'ssh.username'
  | 'ssh.port'
  | 'bind_address'
  | 'http_api.admin_token'
  | 'domain'
  | 'https.admin_email'
  | 'prometheus.scrape_interval_in_secs'
  | 'grafana.admin_user'
  | 'grafana.admin_password'
  | 'backup.schedule'
  | 'backup.retention_days';

export interface WizardQuestion extends Question {
  readonly section: string;
  readonly check?: SchemaCheck;
  readonly rule?: (value: Answer, answers: Answers, context: QuestionContext) => string | undefined;
}

export const GENERATE_KEY = 'generate';
export const OTHER_KEY = 'other';

/** Comma- or space-separated list, empty items dropped. */
export function listOf(answer: Answer | undefined): string[] {
  if (answer === undefined) return [];
  const items = Array.isArray(answer) ? answer : String(answer).split(/[\s,]+/);
  return items.map((item) => String(item).trim()).filter((item) => item !== '' && item !== 'none');
}

export function portsOf(answer: Answer | undefined): number[] {
  return listOf(answer).map(Number);
}

const is = (id: string, value: Answer) => (answers: Answers) => answers[id] === value;
const has = (id: string, item: string) => (answers: Answers) => listOf(answers[id]).includes(item);
const bindAddresses = (answer: Answer) => listOf(answer).map((port) => `0.0.0.0:${port}`);
const portList = (answer: Answer) => {
  const ports = listOf(answer);
  if (!ports.every((port) => /^[0-9]+$/.test(port))) return 'write port numbers separated by commas, for example "6969, 6970"';
  const twice = ports.find((port, index) => ports.findIndex((other) => Number(other) === Number(port)) !== index);
  return twice === undefined ? undefined : `port ${Number(twice)} is given twice: each tracker needs its own port`;
};
const notEmptyList = (what: string) => (answer: Answer) => (listOf(answer).length === 0 ? `give at least one ${what}` : undefined);
const domainOf = (answers: Answers, sub: string) => (typeof answers['domain'] === 'string' && answers['domain'] !== '' ? `${sub}.${answers['domain']}` : undefined);
const httpsFor = (service: string) => (answers: Answers) => answers['https'] === true && has('https_services', service)(answers);

function sshKeyChoices(answers: Answers, context: QuestionContext): Choice[] {
  return [
    ...context.sshKeys.map((path) => ({ value: path, label: path.startsWith(`${context.home}/`) ? `~${path.slice(context.home.length)}` : path })),
    { value: GENERATE_KEY, label: `Generate a new key pair (~/.ssh/${generatedKeyName(answers)})` },
    { value: OTHER_KEY, label: 'Another key: type its path' },
  ];
}

export function generatedKeyName(answers: Answers): string {
  return `torrust-${String(answers['name'] ?? 'tracker')}_ed25519`;
}

/** The database choice, then each database's own questions (declared by its module in src/stack/). */
function databaseQuestions(): WizardQuestion[] {
  return [
    {
      id: DATABASE_QUESTION, section: 'Database', type: 'choice', flag: '--database <driver>', keys: ['tracker.core.database.driver'],
      text: 'Database',
      help: 'SQLite is a file, nothing to run; a database server runs in its own container, or is one you already have.',
      choices: DATABASE_CHOICES.map((database) => ({ value: database.driver, label: database.title })),
      default: 'sqlite3',
      reason: 'a file beside the tracker: no database server to run, tune or upgrade',
    },
    ...DATABASE_CHOICES.flatMap((database) => database.wizard.questions),
  ];
}

export const QUESTIONS: readonly WizardQuestion[] = [
  {
    id: 'name', section: 'Environment', type: 'text', flag: '--name <name>', keys: ['environment.name'],
    text: 'Name of the environment',
    help: 'Lowercase letters, digits and dashes, starting with a letter. The file is envs/<name>.toml.',
    default: 'my-tracker',
    check: { field: 'environment.name' },
  },
  {
    id: 'description', section: 'Environment', type: 'text', flag: '--description <text>', keys: ['environment.description'],
    text: 'Description (optional)',
    help: 'Free text saying what this environment is for. Leave it empty to skip.',
    default: '',
  },
  {
    id: 'provider', section: 'Provider', type: 'choice', flag: '--provider <provider>', keys: ['provider.provider'],
    text: 'Where should the tracker run?',
    help: 'LXD makes a local VM or container; Hetzner Cloud rents a server; an existing host is any machine you can SSH into.',
    choices: [
      { value: 'lxd', label: 'LXD on this machine' },
      { value: 'hetzner', label: 'Hetzner Cloud' },
      { value: 'existing', label: 'An existing host (SSH)' },
    ],
    default: 'lxd',
  },
  {
    id: 'lxd_profile', section: 'Provider', type: 'text', flag: '--lxd-profile <name>', keys: ['provider.profile_name'],
    text: 'LXD profile name',
    help: 'The deployer creates this LXD profile for the instance.',
    when: is('provider', 'lxd'),
    default: (answers) => `torrust-profile-${String(answers['name'])}`,
    check: { field: 'lxd.profile_name' },
  },
  {
    id: 'lxd_instance_type', section: 'Provider', type: 'choice', flag: '--lxd-instance-type <type>', keys: ['provider.instance_type'],
    text: 'LXD instance type',
    help: 'A VM is closest to a real server; a container (with nesting) works where hardware virtualisation does not.',
    reason: 'a VM has its own kernel, so Docker and the firewall behave as on a rented server',
    when: is('provider', 'lxd'),
    choices: [
      { value: 'virtual-machine', label: 'Virtual machine' },
      { value: 'container', label: 'Container' },
    ],
    default: 'virtual-machine',
  },
  {
    id: 'hetzner_token', section: 'Provider', type: 'secret', flag: '--hetzner-token <token>', keys: ['provider.api_token'],
    text: 'Hetzner Cloud API token',
    help: 'A read & write token from the Hetzner console. Empty: use the HCLOUD_TOKEN environment variable (not written to the file).',
    when: is('provider', 'hetzner'),
    default: (_answers, context) => (context.hcloudTokenInEnvironment ? '' : undefined),
    rule: (value, _answers, context) =>
      value === '' && !context.hcloudTokenInEnvironment ? 'HCLOUD_TOKEN is not set: type the token, or export HCLOUD_TOKEN first' : undefined,
  },
  {
    id: 'hetzner_server_type', section: 'Provider', type: 'choice', openChoice: true, flag: '--hetzner-server-type <type>', keys: ['provider.server_type'],
    text: 'Hetzner server type',
    help: 'CPU and memory of the server; the flag takes any Hetzner server type.',
    reason: 'the smallest current x86 type; the tracker, Prometheus and Grafana fit in its 4 GB',
    when: is('provider', 'hetzner'),
    choices: (_answers, context) => context.hetznerServerTypes ?? HETZNER_SERVER_TYPE_CHOICES.map((choice) => ({ ...choice })),
    default: HETZNER_DEFAULTS.server_type,
    check: { field: 'hetzner.server_type' },
  },
  {
    id: 'hetzner_location', section: 'Provider', type: 'choice', openChoice: true, flag: '--hetzner-location <location>', keys: ['provider.location'],
    text: 'Hetzner location',
    help: 'The data centre; the flag takes any Hetzner location.',
    reason: 'cx types are offered in the EU only; choose another EU location in Customise',
    when: is('provider', 'hetzner'),
    choices: [
      { value: 'nbg1', label: 'nbg1 (Nuremberg)' },
      { value: 'fsn1', label: 'fsn1 (Falkenstein)' },
      { value: 'hel1', label: 'hel1 (Helsinki)' },
      { value: 'ash', label: 'ash (Ashburn, VA)' },
    ],
    default: HETZNER_DEFAULTS.location,
    check: { field: 'hetzner.location' },
  },
  {
    id: 'hetzner_image', section: 'Provider', type: 'text', flag: '--hetzner-image <image>', keys: ['provider.image'],
    text: 'Hetzner image',
    help: 'The operating system of the server.',
    reason: 'Ubuntu 24.04 LTS, supported until 2029',
    when: is('provider', 'hetzner'),
    default: HETZNER_DEFAULTS.image,
    check: { field: 'hetzner.image' },
  },
  {
    id: 'host', section: 'Provider', type: 'text', flag: '--host <address>', keys: ['provider.host'],
    text: 'Address of the host (optional)',
    help: 'IP address or name you SSH to. Leave it empty to give it later: ttd register <name> --instance-ip IP.',
    when: is('provider', 'existing'),
    default: '',
    rule: (value) => (/\s/.test(String(value)) ? 'an address has no spaces' : undefined),
  },
  {
    id: 'ssh_key', section: 'SSH', type: 'choice', openChoice: true, flag: '--ssh-key <path>', keys: ['ssh_credentials.private_key_path', 'ssh_credentials.public_key_path'],
    text: 'SSH key the deployer logs in with',
    help: 'The public key (same path + .pub) is installed on the instance. The flag takes a private key path, or "generate".',
    reason: (_answers, context) => (context.sshKeys.length > 0 ? 'a key you already have: nothing new to keep safe' : 'no key pair in ~/.ssh: a new one just for this server'),
    choices: sshKeyChoices,
    default: (_answers, context) => context.sshKeys.find((path) => path.endsWith('/id_ed25519')) ?? context.sshKeys[0] ?? GENERATE_KEY,
    check: { field: 'ssh.private_key_path', values: (value) => (value === OTHER_KEY || value === GENERATE_KEY ? [] : [value]) },
  },
  {
    id: 'ssh_key_path', section: 'SSH', type: 'text', flag: '--ssh-key-path <path>', keys: ['ssh_credentials.private_key_path'],
    text: 'Path of the SSH private key',
    help: 'Absolute, or starting with ~/. Its public key must be beside it with .pub added.',
    when: is('ssh_key', OTHER_KEY),
    check: { field: 'ssh.private_key_path' },
  },
  {
    id: 'ssh_user', section: 'SSH', type: 'text', flag: '--ssh-user <user>', keys: ['ssh_credentials.username'],
    text: 'SSH user',
    help: 'On LXD and Hetzner the deployer creates it; on an existing host it must exist and may use sudo.',
    reason: (answers) => (answers['provider'] === 'existing' ? 'must already exist on the host, with passwordless sudo' : 'the deployer creates it with sudo, so nobody logs in as root'),
    default: 'torrust',
    check: { field: 'ssh.username' },
  },
  {
    id: 'ssh_port', section: 'SSH', type: 'number', flag: '--ssh-port <port>', keys: ['ssh_credentials.port'],
    text: 'SSH port',
    help: 'The port sshd listens on.',
    reason: 'where sshd listens unless it was moved',
    default: 22,
    check: { field: 'ssh.port' },
  },
  ...databaseQuestions(),
  {
    id: 'private', section: 'Tracker', type: 'confirm', flag: '--private', keys: ['tracker.core.private'],
    text: 'Private tracker?',
    help: 'A private tracker only answers peers that announce with a key; a public one answers anyone.',
    reason: 'anyone may announce: no keys to hand out',
    default: false,
  },
  {
    id: 'protocols', section: 'Tracker', type: 'multi-choice', flag: '--protocols <list>', keys: ['tracker.udp_trackers', 'tracker.http_trackers'],
    text: 'Tracker protocols',
    help: 'Space toggles. UDP (BEP 15) is the lightest; HTTP works through more firewalls and can use HTTPS.',
    reason: 'UDP is lightest for clients; HTTP reaches those on networks that block UDP',
    choices: [
      { value: 'udp', label: 'UDP tracker' },
      { value: 'http', label: 'HTTP tracker' },
    ],
    default: ['udp', 'http'],
    rule: (value) => (listOf(value).every((item) => item === 'udp' || item === 'http') ? undefined : 'choose from: udp, http (or none)'),
  },
  {
    id: 'udp_ports', section: 'Tracker', type: 'text', flag: '--udp-ports <ports>', keys: ['tracker.udp_trackers'],
    text: 'UDP tracker ports',
    help: 'One UDP tracker per port, separated by commas.',
    reason: 'the Torrust tracker\'s default UDP port',
    when: has('protocols', 'udp'),
    default: '6969',
    rule: (value) => portList(value) ?? notEmptyList('port')(value),
    check: { field: 'bind_address', values: bindAddresses },
  },
  {
    id: 'http_ports', section: 'Tracker', type: 'text', flag: '--http-ports <ports>', keys: ['tracker.http_trackers'],
    text: 'HTTP tracker ports',
    help: 'One HTTP tracker per port, separated by commas.',
    reason: 'the Torrust tracker\'s default HTTP port',
    when: has('protocols', 'http'),
    default: '7070',
    rule: (value) => portList(value) ?? notEmptyList('port')(value),
    check: { field: 'bind_address', values: bindAddresses },
  },
  {
    id: 'api_port', section: 'Tracker', type: 'number', flag: '--api-port <port>', keys: ['tracker.http_api.bind_address'],
    text: 'Tracker REST API port',
    help: 'The API that manages torrents, keys and statistics.',
    reason: 'the Torrust tracker\'s default API port',
    default: 1212,
    check: { field: 'bind_address', values: (value) => [`0.0.0.0:${String(value)}`] },
  },
  {
    id: 'api_token', section: 'Tracker', type: 'secret', flag: '--api-token <token>', keys: ['tracker.http_api.admin_token'],
    text: 'API admin token',
    help: 'Enter keeps the one generated for you; "${VAR}" reads it from the environment at deploy time.',
    default: (_answers, context) => context.generatedSecrets['api_token'],
    check: { field: 'http_api.admin_token' },
  },
  {
    id: 'prometheus', section: 'Monitoring', type: 'confirm', flag: '--prometheus', keys: ['prometheus'],
    text: 'Collect metrics with Prometheus?',
    help: 'Prometheus scrapes the tracker statistics; it listens on 127.0.0.1 only.',
    reason: 'statistics kept from the first day, on 127.0.0.1 only',
    default: true,
  },
  {
    id: 'prometheus_interval', section: 'Monitoring', type: 'number', flag: '--prometheus-interval <seconds>', keys: ['prometheus.scrape_interval_in_secs'],
    text: 'Prometheus scrape interval (seconds)',
    help: 'How often the tracker statistics are collected.',
    when: is('prometheus', true),
    default: 15,
    check: { field: 'prometheus.scrape_interval_in_secs' },
  },
  {
    id: 'grafana', section: 'Monitoring', type: 'confirm', flag: '--grafana', keys: ['grafana'],
    text: 'Dashboards with Grafana?',
    help: 'Grafana shows the Prometheus metrics on port 3000.',
    reason: 'those statistics as dashboards, on port 3000',
    when: is('prometheus', true),
    default: true,
  },
  {
    id: 'grafana_user', section: 'Monitoring', type: 'text', flag: '--grafana-user <user>', keys: ['grafana.admin_user'],
    text: 'Grafana admin user',
    help: 'The first login to Grafana.',
    when: (answers) => answers['prometheus'] === true && answers['grafana'] === true,
    default: 'admin',
    check: { field: 'grafana.admin_user' },
  },
  {
    id: 'grafana_password', section: 'Monitoring', type: 'secret', flag: '--grafana-password <password>', keys: ['grafana.admin_password'],
    text: 'Grafana admin password',
    help: 'Enter keeps the one generated for you.',
    when: (answers) => answers['prometheus'] === true && answers['grafana'] === true,
    default: (_answers, context) => context.generatedSecrets['grafana_password'],
    check: { field: 'grafana.admin_password' },
  },
  {
    id: 'https', section: 'HTTPS', type: 'confirm', flag: '--https', keys: ['https'],
    text: 'Serve HTTP services over HTTPS (Caddy + Let\'s Encrypt)?',
    help: 'Needs a domain for each service. Deploy shows the DNS records to create as soon as the server has an address, and waits until they resolve before Caddy asks for certificates. UDP trackers never use TLS.',
    reason: 'HTTPS needs a domain pointing at the server: turn it on in Customise once there is one',
    default: false,
  },
  {
    id: 'https_services', section: 'HTTPS', type: 'multi-choice', flag: '--https-services <list>', keys: ['https'],
    text: 'Which services get a domain and HTTPS?',
    help: 'Space toggles. Each chosen service is served by Caddy on its own domain.',
    when: is('https', true),
    choices: (answers) => [
      ...(has('protocols', 'http')(answers) ? [{ value: 'http', label: 'HTTP trackers' }] : []),
      { value: 'api', label: 'REST API' },
      ...(answers['prometheus'] === true && answers['grafana'] === true ? [{ value: 'grafana', label: 'Grafana' }] : []),
    ],
    default: (answers) => [
      ...(has('protocols', 'http')(answers) ? ['http'] : []),
      'api',
      ...(answers['prometheus'] === true && answers['grafana'] === true ? ['grafana'] : []),
    ],
    rule: (value, answers) => {
      const items = listOf(value);
      if (items.length === 0) return 'choose at least one service, or answer no to HTTPS';
      const allowed = ['api', ...(has('protocols', 'http')(answers) ? ['http'] : []), ...(answers['grafana'] === true && answers['prometheus'] === true ? ['grafana'] : [])];
      const odd = items.find((item) => !allowed.includes(item));
      return odd === undefined ? undefined : `'${odd}' is not one of: ${allowed.join(', ')}`;
    },
  },
  {
    id: 'domain', section: 'HTTPS', type: 'text', flag: '--domain <domain>', keys: [],
    text: 'Your domain',
    help: 'Services get subdomains of it by default (tracker.<domain>, api.<domain>, ...); you can change each next.',
    when: is('https', true),
    check: { field: 'domain' },
  },
  {
    id: 'http_domains', section: 'HTTPS', type: 'text', flag: '--http-domains <domains>', keys: ['tracker.http_trackers'],
    text: 'Domains of the HTTP trackers',
    help: 'One per HTTP tracker port, separated by commas.',
    when: httpsFor('http'),
    default: (answers) => {
      const ports = listOf(answers['http_ports']);
      return ports.map((_port, index) => domainOf(answers, index === 0 ? 'tracker' : `tracker${index + 1}`)).join(', ');
    },
    check: { field: 'domain', values: (value) => listOf(value) },
    rule: (value, answers) => {
      const count = listOf(answers['http_ports']).length;
      return listOf(value).length === count ? undefined : `give ${count} domain${count === 1 ? '' : 's'}, one per HTTP tracker port`;
    },
  },
  {
    id: 'api_domain', section: 'HTTPS', type: 'text', flag: '--api-domain <domain>', keys: ['tracker.http_api.domain'],
    text: 'Domain of the REST API',
    help: 'Caddy gets a certificate for it.',
    when: httpsFor('api'),
    default: (answers) => domainOf(answers, 'api'),
    check: { field: 'domain' },
  },
  {
    id: 'grafana_domain', section: 'HTTPS', type: 'text', flag: '--grafana-domain <domain>', keys: ['grafana.domain'],
    text: 'Domain of Grafana',
    help: 'Caddy gets a certificate for it.',
    when: httpsFor('grafana'),
    default: (answers) => domainOf(answers, 'grafana'),
    check: { field: 'domain' },
  },
  {
    id: 'https_email', section: 'HTTPS', type: 'text', flag: '--https-email <email>', keys: ['https.admin_email'],
    text: 'Email for Let\'s Encrypt',
    help: 'Let\'s Encrypt sends certificate expiry notices there.',
    when: is('https', true),
    check: { field: 'https.admin_email' },
  },
  {
    id: 'https_staging', section: 'HTTPS', type: 'confirm', flag: '--https-staging', keys: ['https.use_staging'],
    text: 'Use the Let\'s Encrypt staging CA?',
    help: 'Staging certificates are not trusted by browsers but have high rate limits: right for tests and LXD.',
    when: is('https', true),
    default: (answers) => answers['provider'] === 'lxd',
  },
  {
    id: 'backup', section: 'Backups', type: 'confirm', flag: '--backup', keys: ['backup'],
    text: 'Scheduled backups?',
    help: 'Backs up the database and config on the host.',
    reason: 'a nightly copy of the database and config on the host; add an off-host copy in Customise',
    default: true,
  },
  {
    id: 'backup_schedule', section: 'Backups', type: 'text', flag: '--backup-schedule <cron>', keys: ['backup.schedule'],
    text: 'Backup schedule (cron)',
    help: `Five fields: minute hour day-of-month month day-of-week. "${DEFAULT_BACKUP_SCHEDULE}" is 03:00 every day.`,
    when: is('backup', true),
    default: DEFAULT_BACKUP_SCHEDULE,
    check: { field: 'backup.schedule' },
  },
  {
    id: 'backup_retention', section: 'Backups', type: 'number', flag: '--backup-retention <days>', keys: ['backup.retention_days'],
    text: 'Days to keep backups',
    help: 'Older backups are deleted.',
    when: is('backup', true),
    default: DEFAULT_BACKUP_RETENTION_DAYS,
    check: { field: 'backup.retention_days' },
  },
  {
    id: 'backup_remote', section: 'Backups', type: 'text', flag: '--backup-remote <repository>', keys: ['backup.remote.repository'],
    text: 'Copy backups off the host to (restic repository, optional)',
    help: 'sftp:user@host:/path, rest:https://host:8000/path or s3:https://endpoint/bucket. Encrypted on the host; survives the server. Leave it empty to keep backups on the host only.',
    when: is('backup', true),
    default: '',
    rule: (value) => {
      const repository = String(value).trim();
      if (repository === '') return undefined;
      const kind = repositoryKind(repository);
      return kind === 'sftp' || kind === 'rest' || kind === 's3' ? undefined : `${kind}: write sftp:user@host:/path, rest:https://host:8000/path or s3:https://endpoint/bucket`;
    },
  },
  {
    id: 'backup_remote_password', section: 'Backups', type: 'secret', flag: '--backup-remote-password <password>', keys: ['backup.remote.password'],
    text: 'Repository password (encrypts the off-host copies)',
    help: `Enter keeps "\${${REMOTE_PASSWORD_VARIABLE}}": export ${REMOTE_PASSWORD_VARIABLE} before deploying, and keep it somewhere other than the server; without it no copy can be restored.`,
    when: (answers) => answers['backup'] === true && String(answers['backup_remote'] ?? '').trim() !== '',
    default: `\${${REMOTE_PASSWORD_VARIABLE}}`,
    rule: (value) => (String(value) === '' ? 'the repository needs a password' : undefined),
  },
];

/** The question with this id (a programming error if there is none). */
export function questionById(id: string): WizardQuestion {
  const question = QUESTIONS.find((candidate) => candidate.id === id);
  if (!question) throw new Error(`no question ${id}`);
  return question;
}

/** The long flag name, for example "--ssh-port". */
export function flagName(question: Question): string {
  return question.flag.split(/[ ,]/)[0] ?? question.flag;
}

/** The key commander stores a flag's value under, for example "sshPort". */
export function optionKey(question: Question): string {
  return flagName(question)
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

export function choicesOf(question: Question, answers: Answers, context: QuestionContext): readonly Choice[] {
  return resolveDynamic(question.choices, answers, context) ?? [];
}

export function defaultOf(question: Question, answers: Answers, context: QuestionContext): Answer | undefined {
  return resolveDynamic(question.default, answers, context);
}
