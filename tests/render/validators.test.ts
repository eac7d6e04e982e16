// @module-tag needs-validators
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../support/cli.js';
import { deployerJsonFixture, deployerJsonFixtures } from '../support/configs.js';
import { exampleConfigFiles } from '../../docs/examples/generate.mjs';
import { EnvironmentConfigSchema } from '../../src/config/schema.js';
import { renderArtifacts } from '../../src/render/render.js';
import { caddyWarnings, renderFile, runTool, writeArtifacts, YAMLLINT_CONFIG } from './tools.js';

/**
 * Every config we know (ours in the Rust deployer's JSON format and our examples) renders into
 * files that the real tools reading them accept.
 */
const configs = [...deployerJsonFixtures(), ...exampleConfigFiles()].map((file) => [basename(file), file] as const);
const toolHome = temporaryDirectory('ttd-tool-home-');
const toolEnv = { HOME: toolHome, XDG_DATA_HOME: join(toolHome, 'data'), XDG_CONFIG_HOME: join(toolHome, 'config') };

describe.each(configs)('%s: the rendered files pass the real validators', (_name, file) => {
  it('docker compose config, caddy validate and fmt, promtool, bash -n, shellcheck, cloud-init schema, yamllint, TOML, YAML and JSON parsers', async () => {
    const artifacts = await renderFile(file, { instanceIp: '203.0.113.1', sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO3n1eBPmjsTvFqKNIiw4hQjYWLmOWh2xZXqUqZchI8b test@example' });
    const dir = writeArtifacts(artifacts);
    const paths = [...artifacts.keys()];
    const expectTool = async (command: string, args: string[], cwd = dir) => {
      const result = await runTool(command, args, { cwd, env: toolEnv });
      expect(result.code, `${command} ${args.join(' ')}\n${result.output}`).toBe(0);
      return result.output;
    };

    await expectTool('docker', ['compose', 'config', '--quiet'], join(dir, 'opt/torrust'));

    const caddyfile = 'opt/torrust/storage/caddy/etc/Caddyfile';
    if (artifacts.has(caddyfile)) {
      const validated = await expectTool('caddy', ['validate', '--config', caddyfile, '--adapter', 'caddyfile']);
      expect(validated).toContain('Valid configuration');
      expect(caddyWarnings(validated), validated).toEqual([]);
      // In `caddy fmt` form: Caddy logs "Caddyfile input is not formatted" on every start
      // otherwise. (Caddy 2.6's `fmt --diff` prints every line and exits 0 either way, so the
      // check is that `caddy fmt` gives back the file unchanged.)
      expect(await expectTool('caddy', ['fmt', caddyfile])).toBe(artifacts.get(caddyfile)!.content);
    }
    if (artifacts.has('opt/torrust/storage/prometheus/etc/prometheus.yml')) {
      expect(await expectTool('promtool', ['check', 'config', 'opt/torrust/storage/prometheus/etc/prometheus.yml'])).toContain('SUCCESS');
    }

    const shellFiles = paths.filter((path) => path.endsWith('.sh') || path.endsWith('backup.conf'));
    expect(shellFiles).toEqual(expect.arrayContaining(['configure.sh', 'release.sh', 'run.sh']));
    for (const script of shellFiles) await expectTool('bash', ['-n', script]);
    await expectTool('shellcheck', ['--severity=style', ...shellFiles]);

    expect(await expectTool('cloud-init', ['schema', '--config-file', 'cloud-init.yml'])).toContain('Valid cloud-config');

    const tracker = parseToml(artifacts.get('opt/torrust/storage/tracker/etc/tracker.toml')!.content) as { metadata: { schema_version: string } };
    expect(tracker.metadata.schema_version).toBe('2.0.0');

    const yamlFiles = paths.filter((path) => path.endsWith('.yml'));
    await expectTool('python3', ['-c', 'import sys, yaml\nfor path in sys.argv[1:]:\n    yaml.safe_load(open(path))', ...yamlFiles]);
    expect(yamlFiles).toEqual(expect.arrayContaining(['cloud-init.yml', 'opt/torrust/docker-compose.yml']));
    expect(await expectTool('yamllint', ['--strict', '--format', 'parsable', '--config-data', YAMLLINT_CONFIG, ...yamlFiles])).toBe('');

    for (const path of paths.filter((candidate) => candidate.endsWith('.json'))) {
      expect(() => JSON.parse(readFileSync(join(dir, path), 'utf8')), path).not.toThrow();
    }
  });
});

describe('secrets with awkward characters survive .env and compose unchanged', () => {
  it('docker compose config resolves each value to exactly the configured text', async () => {
    const awkward = `p'a"s$s{w}o\\rd #1 $HOME \${X}`;
    const anchor = deployerJsonFixture('lxd-everything-staging');
    const raw = JSON.parse(readFileSync(anchor, 'utf8')) as Record<string, any>;
    raw['tracker'].core.database.password = awkward;
    raw['tracker'].core.database.username = 'user@odd:name';
    raw['tracker'].http_api.admin_token = `tok'en$1`;
    raw['grafana'].admin_password = 'grafana "pw" $$';
    // Parsed by the schema directly: the file loader would read ${X} as an environment reference.
    const dir = writeArtifacts(renderArtifacts(EnvironmentConfigSchema.parse(raw)));

    const result = await runTool('docker', ['compose', 'config', '--format', 'json'], { cwd: join(dir, 'opt/torrust'), env: { ...toolEnv, HOME: toolHome, X: 'must-not-expand' } });
    expect(result.code, result.output).toBe(0);
    // `compose config` prints a file compose can read again, so a literal $ comes out as $$.
    const compose = JSON.parse(result.output.replaceAll('$$', '$')) as { services: Record<string, { environment: Record<string, string> }> };
    expect(compose.services['mysql']!.environment['MYSQL_PASSWORD']).toBe(awkward);
    expect(compose.services['backup']).toBeUndefined();
    expect(compose.services['tracker']!.environment['TORRUST_TRACKER_CONFIG_OVERRIDE_HTTP_API__ACCESS_TOKENS__ADMIN']).toBe(`tok'en$1`);
    expect(compose.services['grafana']!.environment['GF_SECURITY_ADMIN_PASSWORD']).toBe('grafana "pw" $$');
    const dsn = new URL(compose.services['tracker']!.environment['TORRUST_TRACKER_CONFIG_OVERRIDE_CORE__DATABASE__PATH']!);
    expect(decodeURIComponent(dsn.password)).toBe(awkward);
    expect(decodeURIComponent(dsn.username)).toBe('user@odd:name');
  });
});
