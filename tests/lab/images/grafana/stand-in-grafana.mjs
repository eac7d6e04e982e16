// STAND-IN for the grafana/grafana image (Grafana is not in Debian and cannot be fetched
// here). It answers what the deployer checks and links to: /api/health (no auth), the
// login page, and /api/user with basic auth against GF_SECURITY_ADMIN_USER/PASSWORD. It
// lists the provisioned datasource and dashboard files at /api/stand-in/provisioning so
// tests can see what the release put in place.
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const port = Number(process.env.GF_SERVER_HTTP_PORT ?? 3000);
const user = process.env.GF_SECURITY_ADMIN_USER ?? 'admin';
const password = process.env.GF_SECURITY_ADMIN_PASSWORD ?? 'admin';
const provisioning = '/etc/grafana/provisioning';
const list = (dir) => {
  try {
    return readdirSync(join(provisioning, dir), { recursive: true }).map(String).sort();
  } catch {
    return [];
  }
};
const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/api/health') return json(res, 200, { commit: 'stand-in', database: 'ok', version: '13.0.0-stand-in' });
  if (path === '/' ) {
    res.writeHead(302, { location: '/login' });
    return res.end();
  }
  if (path === '/login') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return res.end('<!doctype html><title>Grafana (lab stand-in)</title><h1>Grafana</h1><p>Lab stand-in: log in as the admin user.</p>');
  }
  if (path === '/api/user' || path === '/api/stand-in/provisioning') {
    const expected = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
    if (req.headers.authorization !== expected) return json(res, 401, { message: 'Invalid username or password' });
    if (path === '/api/user') return json(res, 200, { login: user, isGrafanaAdmin: true });
    return json(res, 200, { datasources: list('datasources'), dashboards: list('dashboards') });
  }
  json(res, 404, { message: 'Not found' });
}).listen(port, '0.0.0.0', () => console.log(`stand-in-grafana: listening on :${port}`));

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
