import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { minimalConfig } from '../support/configs.js';

const dir = temporaryDirectory('ttd-invalid-');
let counter = 0;
function file(content: string | Buffer, extension = 'toml'): string {
  const path = join(dir, `case-${++counter}.${extension}`);
  writeFileSync(path, content);
  return path;
}

const json = (data: unknown) => JSON.stringify(data, null, 2);
const minimalToml = (replace: (text: string) => string = (text) => text) =>
  replace(`[environment]
name = "test-env"

[ssh_credentials]
private_key_path = "/keys/id"
public_key_path = "/keys/id.pub"

[provider]
provider = "lxd"
profile_name = "torrust-profile"

[tracker.core.database]
driver = "sqlite3"
database_name = "tracker.db"

[[tracker.udp_trackers]]
bind_address = "0.0.0.0:6969"

[[tracker.http_trackers]]
bind_address = "0.0.0.0:7070"

[tracker.http_api]
bind_address = "0.0.0.0:1212"
admin_token = "a-long-random-admin-token"

[tracker.health_check_api]
bind_address = "127.0.0.1:1313"
`);

interface Case {
  readonly name: string;
  readonly path: () => string;
  /** Text that must appear in the error output: the location and what is wrong. */
  readonly expected: readonly (string | RegExp)[];
}

const cases: Case[] = [
  { name: 'TOML syntax error', path: () => file('[environment]\nname = "x\n'), expected: [/case-\d+\.toml:2:\d+/, 'invalid TOML'] },
  { name: 'TOML duplicate key', path: () => file('[environment]\nname = "a"\nname = "b"\n'), expected: [/:3:\d+/, 'invalid TOML'] },
  { name: 'JSON syntax error', path: () => file('{\n  "environment": {\n    "name": "x",\n  }\n}', 'json'), expected: [/:4:\d+/, 'invalid JSON'] },
  { name: 'JSON truncated', path: () => file('{"environment": {"name": ', 'json'), expected: ['invalid JSON'] },
  { name: 'JSON top-level array', path: () => file('[1, 2]', 'json'), expected: ['must hold a table of sections, not an array'] },
  { name: 'empty file', path: () => file(''), expected: ['is empty', 'create template'] },
  { name: 'whitespace only', path: () => file('  \n\n\t\n'), expected: ['is empty'] },
  { name: 'binary garbage', path: () => file(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff, 0xfe, 0x00, 0x10])), expected: ['is not text'] },
  { name: 'invalid UTF-8', path: () => file(Buffer.from([0x5b, 0x65, 0xc3, 0x28, 0x5d])), expected: ['is not text'] },
  { name: 'missing file', path: () => join(dir, 'does-not-exist.toml'), expected: ['does not exist', 'create template'] },
  { name: 'a directory', path: () => { const path = join(dir, `dir-${++counter}.toml`); mkdirSync(path); return path; }, expected: ['is a directory'] },
  { name: 'missing sections', path: () => file('[environment]\nname = "test-env"\n'), expected: ['missing required key ssh_credentials', 'missing required key provider', 'missing required key tracker'] },
  { name: 'wrong type', path: () => file(minimalToml((t) => t.replace('name = "test-env"', 'name = 42'))), expected: [/:2 environment\.name/, 'must be a string, not a whole number', 'double quotes'] },
  { name: 'bad bind address', path: () => file(minimalToml((t) => t.replace('0.0.0.0:6969', 'localhost:6969'))), expected: [/:17 tracker\.udp_trackers\[0\]\.bind_address/, 'not an IP address'] },
  { name: 'port zero', path: () => file(minimalToml((t) => t.replace('0.0.0.0:7070', '0.0.0.0:0'))), expected: [/:20 tracker\.http_trackers\[0\]\.bind_address/, 'port 0'] },
  { name: 'port out of range', path: () => file(minimalToml((t) => t.replace('0.0.0.0:1212', '0.0.0.0:70000'))), expected: ['above 65535'] },
  { name: 'unknown provider', path: () => file(minimalToml((t) => t.replace('provider = "lxd"', 'provider = "aws"'))), expected: [/:9 provider\.provider/, '"lxd", "hetzner", "existing"', 'got "aws"'] },
  { name: 'unknown database driver (JSON)', path: () => file(json(minimalConfig({ tracker: { ...(minimalConfig()['tracker'] as object), core: { database: { driver: 'postgres' } } } })), 'json'), expected: ['tracker.core.database.driver', '"sqlite3", "mysql"'] },
  { name: 'bad environment name', path: () => file(minimalToml((t) => t.replace('name = "test-env"', 'name = "Test_Env"'))), expected: ['uppercase letters: T'] },
  { name: 'bad ssh port', path: () => file(minimalToml((t) => t.replace('public_key_path = "/keys/id.pub"', 'public_key_path = "/keys/id.pub"\nport = 0'))), expected: ['ssh_credentials.port', 'between 1 and 65535'] },
  { name: 'bad cron', path: () => file(`${minimalToml()}\n[backup]\nschedule = "0 25 * * *"\n`), expected: [/backup\.schedule/, "hour field '25'"] },
  { name: 'bad email', path: () => file(json({ ...minimalConfig(), https: { admin_email: 'nobody' }, tracker: { ...(minimalConfig()['tracker'] as object), http_api: { bind_address: '0.0.0.0:1212', admin_token: 'tok-tok-tok-tok', domain: 'api.example.com', use_tls_proxy: true } } }), 'json'), expected: ['https.admin_email', 'not an email address'] },
  { name: 'registry mirror with credentials', path: () => file(minimalToml((t) => `${t}\n[images]\nregistry_mirror = "https://user:secret@mirror.example.com"\n`)), expected: ['images.registry_mirror', 'must not hold credentials', 'docker login'] },
  { name: 'registry mirror not http', path: () => file(minimalToml((t) => `${t}\n[images]\nregistry_mirror = "ftp://mirror.example.com"\n`)), expected: ['images.registry_mirror', 'http:// or https://'] },
  { name: 'port conflict', path: () => file(minimalToml((t) => t.replace('0.0.0.0:1212', '0.0.0.0:7070'))), expected: ['port conflict', 'HTTP tracker 1', '7070/tcp'] },
];

describe('malformed and invalid configs', () => {
  it.each(cases.map((testCase) => [testCase.name, testCase]))('%s: exit 2, located, with a fix, no stack trace', async (_name, testCase) => {
    const path = testCase.path();
    const result = await runBinary(['validate', path]);
    expect(result.code).toBe(2);
    for (const expected of testCase.expected) expect(result.stderr).toMatch(expected);
    expect(result.stderr).toMatch(/Fix: /);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stdout).toBe('');
  });

  it('lists every problem at once, not just the first', async () => {
    const path = file(minimalToml((t) => t.replace('0.0.0.0:6969', 'nope').replace('0.0.0.0:7070', '0.0.0.0:0').replace('name = "test-env"', 'name = "-x"')));
    const result = await runBinary(['validate', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not valid: 3 errors/);
  });

  it('with --json puts the same problems in one JSON document on stdout', async () => {
    const path = file(minimalToml((t) => t.replace('0.0.0.0:6969', 'nope')));
    const result = await runBinary(['validate', path, '--json']);
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout) as { is_valid: boolean; errors: { code: string; path: string; line: number; fix: string }[] };
    expect(document.is_valid).toBe(false);
    expect(document.errors).toEqual([expect.objectContaining({ code: 'config.invalid_value', path: 'tracker.udp_trackers[0].bind_address', line: 17, fix: expect.any(String) })]);
  });

  it('with --json reports unreadable files as a structured error', async () => {
    const result = await runBinary(['--json', 'validate', join(dir, 'missing.json')]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ type: 'result', ok: false, exit_code: 2, command: 'validate', error: expect.objectContaining({ code: 'config.file_unreadable', fix: expect.any(String) }) });
  });

  it('prints no stack trace at any verbosity; at -vvv it goes to the log file', async () => {
    const path = file(Buffer.from([0, 1, 2]));
    const logDir = join(temporaryDirectory(), 'logs');
    const quiet = await runBinary(['validate', path]);
    expect(quiet.stderr).not.toContain('DeployerError');
    const loud = await runBinary(['--log-dir', logDir, 'validate', path, '-vvv']);
    expect(loud.code).toBe(2);
    expect(loud.stderr).toContain('is not text');
    expect(loud.stderr).not.toMatch(/\n\s+at /);
    const log = readdirSync(logDir).map((name) => readFileSync(join(logDir, name), 'utf8')).join('\n');
    expect(log).toMatch(/DeployerError: [^"]*is not text[^"]*\\n {4}at decodeText/);
  });
});
