import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { summarize } from '../../src/config/summary.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { readJson } from '../support/configs.js';

const withoutNulls = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(withoutNulls)
  : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null).map(([key, item]) => [key, withoutNulls(item)]))
  : value;

/**
 * What every config in the Rust deployer's JSON format must do here: validate from the binary,
 * load identically from TOML, warn about the ignored `caddy` section, and summarize as written.
 * Run over the project's fixtures, and over the Rust deployer's own examples when present.
 */
export function describeDeployerJsonConfigs(title: string, files: readonly string[]): void {
  describe(title, () => {
    const tomlDir = temporaryDirectory('ttd-anchor-toml-');

    it.each(files.map((file) => [basename(file), file]))('%s validates with exit 0 from the binary', async (_name, file) => {
      const result = await runBinary(['validate', file]);
      expect(result.stderr).not.toMatch(/✗/);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('What it deploys:');
    });

    it.each(files.map((file) => [basename(file), file]))('%s written as TOML validates identically', async (_name, file) => {
      const tomlFile = join(tomlDir, basename(file).replace(/\.json$/, '.toml'));
      writeFileSync(tomlFile, stringify(withoutNulls(readJson(file)) as Record<string, unknown>));

      const fromJson = await loadConfigFile(file, {});
      const fromToml = await loadConfigFile(tomlFile, {});
      expect(fromToml.config).toEqual(fromJson.config);
      const comparable = (problems: typeof fromJson.problems) => problems.map(({ severity, code, path, message }) => ({ severity, code, path, message }));
      expect(comparable(fromToml.problems)).toEqual(comparable(fromJson.problems));
      expect(fromJson.config && summarize(fromJson.config)).toEqual(fromToml.config && summarize(fromToml.config));
      expect(fromToml.problems.filter((problem) => problem.line === undefined)).toEqual([]);

      const viaBinary = await runBinary(['validate', tomlFile]);
      expect(viaBinary.code).toBe(0);
    });

    it('reports the ignored caddy section of the configs that carry one, with its line', async () => {
      const withCaddy = files.filter((file) => 'caddy' in readJson(file));
      expect(withCaddy.length).toBeGreaterThan(0);
      for (const file of withCaddy) {
        const loaded = await loadConfigFile(file, {});
        const warning = loaded.problems.find((problem) => problem.code === 'config.ignored_key' && problem.path === 'caddy');
        expect(warning?.severity).toBe('warning');
        expect(warning?.line).toBeGreaterThan(1);
        expect(warning?.message).toContain('use_tls_proxy');
      }
    });

    it('summaries follow each config: MySQL, HTTPS, monitoring and backups where the file asks for them', async () => {
      for (const file of files) {
        const raw = readJson(file);
        const summary = summarize((await loadConfigFile(file, {})).config!);
        const tracker = raw['tracker'] as { core: { database: { driver: string } }; udp_trackers: unknown[]; http_trackers: unknown[] };
        expect(summary.services.includes('mysql')).toBe(tracker.core.database.driver === 'mysql');
        expect(summary.has_https).toBe(raw['https'] != null);
        expect(summary.has_prometheus).toBe(raw['prometheus'] != null);
        expect(summary.has_grafana).toBe(raw['grafana'] != null);
        expect(summary.has_backup).toBe(raw['backup'] != null);
        expect(summary.udp_trackers).toHaveLength(tracker.udp_trackers.length);
        expect(summary.http_trackers).toHaveLength(tracker.http_trackers.length);
      }
    });
  });
}
