// STAND-IN for the torrust/tracker image, which cannot be fetched or built here.
// It reads the same configuration the real tracker reads (the TOML file at
// TORRUST_TRACKER_CONFIG_TOML_PATH plus TORRUST_TRACKER_CONFIG_OVERRIDE_* variables) and
// answers the same endpoints the deployer's `test` and `status` commands use:
//   - every [[udp_trackers]]: BEP 15 connect/announce/scrape, by the `bittorrent-tracker`
//     package (a real tracker implementation), all listeners sharing one set of swarms;
//   - every [[http_trackers]]: /announce, /scrape and /health_check;
//   - [http_api]: /api/health_check (no token) and /api/v1/stats, /api/v1/metrics (token
//     required; a bad token is HTTP 500, as the real API answers);
//   - [health_check_api]: /health_check, aggregating the listeners (the image HEALTHCHECK).
// Like the real entry script it refuses to start without the database driver override,
// and it checks its database before listening: the SQLite file must be writable by the
// container user; with MySQL (the mariadb client) and PostgreSQL (the `pg` package) it
// logs in with the DSN's user and password and creates the real tracker's tables
// (whitelist, torrents, torrent_aggregate_metrics, keys), so a wrong credential fails
// here as it would there and a backup dumps a real schema.
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Server from 'bittorrent-tracker/server';
import pg from 'pg';
import { parse } from 'smol-toml';

const log = (level, message) => console.log(`${new Date().toISOString()} ${level} stand-in-tracker: ${message}`);
const fail = (message) => {
  log('ERROR', message);
  process.exit(1);
};

const configPath = process.env.TORRUST_TRACKER_CONFIG_TOML_PATH ?? '/etc/torrust/tracker/tracker.toml';
const config = parse(readFileSync(configPath, 'utf8'));
const driver = process.env.TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER;
if (!['sqlite3', 'mysql', 'postgresql'].includes(driver)) fail('TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__DRIVER must be sqlite3, mysql or postgresql');
const databasePath = process.env.TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH ?? config.core?.database?.path;
const adminToken = process.env.TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN ?? config.http_api?.access_tokens?.admin;

const splitAddress = (bind) => {
  const match = /^\[?([^\]]*)\]?:(\d+)$/.exec(bind);
  if (!match) fail(`bad bind_address ${bind}`);
  return { host: match[1], port: Number(match[2]) };
};

async function checkDatabase() {
  if (driver === 'sqlite3') {
    try {
      accessSync(databasePath, constants.R_OK | constants.W_OK);
    } catch (error) {
      fail(`cannot open the SQLite database ${databasePath} for writing (uid ${process.getuid()}): ${error.code}`);
    }
    return;
  }
  const url = new URL(databasePath);
  const title = driver === 'mysql' ? 'MySQL' : 'PostgreSQL';
  const port = Number(url.port || (driver === 'mysql' ? 3306 : 5432));
  for (let attempt = 1; attempt <= 30; attempt += 1) {
    const ok = await new Promise((resolve) => {
      const socket = connect({ host: url.hostname, port });
      socket.once('connect', () => resolve(socket.end() && true));
      socket.once('error', () => resolve(false));
    });
    if (ok) break;
    if (attempt === 30) fail(`the ${title} server at ${url.hostname}:${port} does not answer`);
    await sleep(1000);
  }
  if (driver === 'postgresql') return checkPostgresql(url, port);
  // The tables the real tracker creates at start (tracker-core's MySQL driver).
  const schema = [
    'CREATE TABLE IF NOT EXISTS whitelist (id integer PRIMARY KEY AUTO_INCREMENT, info_hash VARCHAR(40) NOT NULL UNIQUE);',
    'CREATE TABLE IF NOT EXISTS torrents (id integer PRIMARY KEY AUTO_INCREMENT, info_hash VARCHAR(40) NOT NULL UNIQUE, completed INTEGER DEFAULT 0 NOT NULL);',
    'CREATE TABLE IF NOT EXISTS torrent_aggregate_metrics (id integer PRIMARY KEY AUTO_INCREMENT, metric_name VARCHAR(50) NOT NULL UNIQUE, value INTEGER DEFAULT 0 NOT NULL);',
    'CREATE TABLE IF NOT EXISTS `keys` (`id` INT NOT NULL AUTO_INCREMENT, `key` VARCHAR(32) NOT NULL, `valid_until` INT(10), PRIMARY KEY (`id`), UNIQUE (`key`));',
  ].join('\n');
  const database = decodeURIComponent(url.pathname.slice(1));
  const args = ['--skip-ssl', '-h', url.hostname, '-P', url.port || '3306', '-u', decodeURIComponent(url.username), database];
  let problem = '';
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    problem = await new Promise((resolve) => {
      const child = execFile('mariadb', args, { env: { ...process.env, MYSQL_PWD: decodeURIComponent(url.password) } }, (error, _stdout, stderr) => resolve(error ? (stderr.trim() || error.message) : ''));
      child.stdin.end(schema);
    });
    if (problem === '') {
      log('INFO', `MySQL: logged in to ${database} at ${url.hostname} as ${decodeURIComponent(url.username)}; tables in place`);
      return;
    }
    await sleep(1000);
  }
  fail(`cannot log in to MySQL database ${database} at ${url.hostname} as ${decodeURIComponent(url.username)}: ${problem}`);
}

// The tables of the real tracker's PostgreSQL migrations, in their final shape.
const POSTGRESQL_SCHEMA = [
  'CREATE TABLE IF NOT EXISTS whitelist (id SERIAL PRIMARY KEY, info_hash VARCHAR(40) NOT NULL UNIQUE)',
  'CREATE TABLE IF NOT EXISTS torrents (id SERIAL PRIMARY KEY, info_hash VARCHAR(40) NOT NULL UNIQUE, completed BIGINT DEFAULT 0 NOT NULL)',
  'CREATE TABLE IF NOT EXISTS keys (id SERIAL PRIMARY KEY, key VARCHAR(32) NOT NULL UNIQUE, valid_until BIGINT)',
  'CREATE TABLE IF NOT EXISTS torrent_aggregate_metrics (id SERIAL PRIMARY KEY, metric_name VARCHAR(50) NOT NULL UNIQUE, value BIGINT DEFAULT 0 NOT NULL)',
];

async function checkPostgresql(url, port) {
  const user = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.slice(1));
  const where = `PostgreSQL database ${database} at ${url.hostname}:${port} as ${user}`;
  let problem = '';
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    const client = new pg.Client({ host: url.hostname, port, user, password: decodeURIComponent(url.password), database, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
      for (const statement of POSTGRESQL_SCHEMA) await client.query(statement);
      log('INFO', `PostgreSQL: logged in to ${database} at ${url.hostname}:${port} as ${user}; tables in place`);
      return;
    } catch (error) {
      problem = error.code ? `${error.message} (SQLSTATE ${error.code})` : error.message;
    } finally {
      await client.end().catch(() => {});
    }
    await sleep(1000);
  }
  fail(`cannot log in to ${where}: ${problem}`);
}

await checkDatabase();

const torrents = {};
const counters = { udp4_announces_handled: 0, udp4_connections_handled: 0, udp4_scrapes_handled: 0, tcp4_announces_handled: 0, tcp4_connections_handled: 0, tcp4_scrapes_handled: 0 };
const trackerOptions = { http: false, ws: false, stats: false, interval: (config.core?.announce_policy?.interval ?? 120) * 1000, trustProxy: config.core?.net?.on_reverse_proxy === true };
const trackerServer = (udp) => {
  const server = new Server({ ...trackerOptions, udp });
  server.torrents = torrents;
  server.on('warning', (error) => log('WARN', error.message));
  server.on('error', (error) => log('ERROR', error.message));
  return server;
};
const listeners = [];

for (const udp of config.udp_trackers ?? []) {
  const { host, port } = splitAddress(udp.bind_address);
  const server = trackerServer(true);
  server.udp4.on('message', (message) => {
    const action = message.length >= 16 ? message.readUInt32BE(8) : -1;
    if (action === 0) counters.udp4_connections_handled += 1;
    if (action === 1) counters.udp4_announces_handled += 1;
    if (action === 2) counters.udp4_scrapes_handled += 1;
  });
  await new Promise((resolve) => server.udp4.bind(port, host === '::' ? '0.0.0.0' : host, resolve));
  listeners.push({ binding: `udp://${udp.bind_address}`, kind: 'UDP tracker' });
  log('INFO', `UDP tracker listening on udp://${udp.bind_address}`);
}

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const listen = (bind, handler) => new Promise((resolve) => {
  const { host, port } = splitAddress(bind);
  createServer(handler).listen(port, host, resolve);
});

const announceHandler = trackerServer(false);
for (const http of config.http_trackers ?? []) {
  await listen(http.bind_address, (req, res) => {
    const path = req.url.split('?')[0];
    if (path === '/health_check') return json(res, 200, { status: 'Ok' });
    if (path === '/announce') counters.tcp4_announces_handled += 1;
    if (path === '/scrape') counters.tcp4_scrapes_handled += 1;
    counters.tcp4_connections_handled += 1;
    announceHandler.onHttpRequest(req, res);
  });
  listeners.push({ binding: `http://${http.bind_address}`, kind: 'HTTP tracker' });
  log('INFO', `HTTP tracker listening on http://${http.bind_address}`);
}

function stats() {
  const swarms = Object.values(torrents);
  return {
    torrents: swarms.length,
    seeders: swarms.reduce((sum, swarm) => sum + swarm.complete, 0),
    completed: 0,
    leechers: swarms.reduce((sum, swarm) => sum + swarm.incomplete, 0),
    ...counters,
  };
}
const prometheusText = (values) => Object.entries(values).map(([name, value]) => `${name} ${value}`).join('\n') + '\n';

if (config.http_api?.bind_address) {
  await listen(config.http_api.bind_address, (req, res) => {
    const url = new URL(req.url, 'http://api');
    if (url.pathname === '/api/health_check') return json(res, 200, { status: 'Ok' });
    if (url.pathname !== '/api/v1/stats' && url.pathname !== '/api/v1/metrics') return json(res, 404, { error: 'not found' });
    if (adminToken === undefined || url.searchParams.get('token') !== adminToken) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      return res.end('Unhandled rejection: Err { reason: "token not valid" }');
    }
    if (url.searchParams.get('format') === 'prometheus' || url.pathname === '/api/v1/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(prometheusText(stats()));
    }
    return json(res, 200, stats());
  });
  listeners.push({ binding: `http://${config.http_api.bind_address}`, kind: 'API' });
  log('INFO', `API listening on http://${config.http_api.bind_address}`);
}

const healthBind = config.health_check_api?.bind_address ?? '127.0.0.1:1313';
await listen(healthBind, (req, res) => {
  if (req.url !== '/health_check') return json(res, 404, { error: 'not found' });
  json(res, 200, { status: 'Ok', message: '', details: listeners.map(({ binding, kind }) => ({ binding, info: kind, result: { Ok: 'stand-in' } })) });
});
log('INFO', `health check API listening on http://${healthBind}`);

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
