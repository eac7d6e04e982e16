import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { answer, KEY } from '../../screens/testing.js';
import { Wizard, type WizardOutcome } from '../../screens/wizard/Wizard.js';
import { loadConfigFile } from '../../src/config/load.js';
import { questionContext } from '../../src/wizard/context.js';
import { runBinary, temporaryDirectory } from '../support/cli.js';
import { countingSecrets, homeWithKey } from './support.js';

/**
 * For each main branch: the wizard driven by keystrokes and `init
 * --non-interactive` given the same answers as flags write the same file, and
 * that file loads back to the config the wizard built.
 */

type Step = readonly [question: string, ...keys: string[]];

interface Branch {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly flags: (home: string) => string[];
}

/** The short path ends on the recommended settings: Customise walks every question, as before. */
const CUSTOMISE: Step = ['Recommended settings', KEY.down, KEY.enter];

const enter = (...questions: string[]): Step[] => questions.map((question) => [question, KEY.enter]);

const BRANCHES: readonly Branch[] = [
  {
    name: 'lxd-min',
    steps: [
      ['Name of the environment', 'lxd-min', KEY.enter],
      ...enter('Where should the tracker run?'),
      CUSTOMISE,
      ...enter('Description (optional)', 'LXD profile name', 'LXD instance type', 'SSH key the deployer', 'SSH user', 'SSH port', 'Database', 'SQLite file name', 'Private tracker?', 'Tracker protocols', 'UDP tracker ports', 'HTTP tracker ports', 'Tracker REST API port', 'API admin token'),
      ['Collect metrics', 'n'],
      ['Serve HTTP services over HTTPS', 'n'],
      ['Scheduled backups?', 'n'],
    ],
    // Every applicable question answered by its flag, without --yes.
    flags: (home) => [
      '--name', 'lxd-min', '--description', '', '--provider', 'lxd', '--lxd-profile', 'torrust-profile-lxd-min', '--lxd-instance-type', 'virtual-machine',
      '--ssh-key', join(home, '.ssh', 'id_ed25519'), '--ssh-user', 'torrust', '--ssh-port', '22', '--database', 'sqlite3', '--sqlite-file', 'tracker.db',
      '--no-private', '--protocols', 'udp,http', '--udp-ports', '6969', '--http-ports', '7070', '--api-port', '1212', '--api-token', 'secret-1-0123456789abcdef',
      '--no-prometheus', '--no-https', '--no-backup',
    ],
  },
  {
    name: 'hetzner-full',
    steps: [
      ['Name of the environment', 'hetzner-full', KEY.enter],
      ['Where should the tracker run?', KEY.down, KEY.enter],
      ['Hetzner Cloud API token', 'hcloud-typed-token', KEY.enter],
      CUSTOMISE,
      ['Description (optional)', 'Production tracker', KEY.enter],
      ...enter('Hetzner server type', 'Hetzner location', 'Hetzner image', 'SSH key the deployer', 'SSH user', 'SSH port'),
      ['Database', KEY.down, KEY.enter],
      ...enter('MySQL database name', 'MySQL user', 'MySQL password', 'MySQL root password'),
      ['Private tracker?', 'y'],
      ...enter('Tracker protocols', 'UDP tracker ports'),
      ['HTTP tracker ports', '7070, 7071', KEY.enter],
      ...enter('Tracker REST API port', 'API admin token', 'Collect metrics', 'Prometheus scrape interval', 'Dashboards with Grafana?', 'Grafana admin user', 'Grafana admin password'),
      ['Serve HTTP services over HTTPS', 'y'],
      ['Which services get a domain', KEY.enter],
      ['Your domain', 'example.com', KEY.enter],
      ...enter('Domains of the HTTP trackers', 'Domain of the REST API', 'Domain of Grafana'),
      ['Email for Let', 'admin@example.com', KEY.enter],
      ...enter('staging CA', 'Scheduled backups?', 'Backup schedule', 'Days to keep backups', 'Copy backups off the host'),
    ],
    flags: () => [
      '--yes', '--name', 'hetzner-full', '--description', 'Production tracker', '--provider', 'hetzner', '--hetzner-token', 'hcloud-typed-token', '--database', 'mysql',
      '--mysql-password', 'secret-2-0123456789abcdef', '--mysql-root-password', 'secret-3-0123456789abcdef', '--private', '--http-ports', '7070,7071',
      '--api-token', 'secret-1-0123456789abcdef', '--grafana-password', 'secret-5-0123456789abcdef', '--https', '--domain', 'example.com', '--https-email', 'admin@example.com',
    ],
  },
  {
    name: 'existing-udp',
    steps: [
      ['Name of the environment', 'existing-udp', KEY.enter],
      ['Where should the tracker run?', KEY.down, KEY.down, KEY.enter],
      ['Address of the host', '198.51.100.20', KEY.enter],
      CUSTOMISE,
      ['Description (optional)', KEY.enter],
      ...enter('SSH key the deployer'),
      ['SSH user', 'deploy', KEY.enter],
      ...enter('SSH port', 'Database', 'SQLite file name', 'Private tracker?'),
      ['Tracker protocols', KEY.down, KEY.space, KEY.enter],
      ['UDP tracker ports', '6969,6868', KEY.enter],
      ...enter('Tracker REST API port', 'API admin token'),
      ['Collect metrics', 'n'],
      ['Serve HTTP services over HTTPS', 'n'],
      ...enter('Scheduled backups?', 'Backup schedule', 'Days to keep backups', 'Copy backups off the host'),
    ],
    flags: () => [
      '--yes', '--name', 'existing-udp', '--provider', 'existing', '--host', '198.51.100.20', '--ssh-user', 'deploy', '--protocols', 'udp', '--udp-ports', '6969,6868',
      '--api-token', 'secret-1-0123456789abcdef', '--no-prometheus',
    ],
  },
];

async function writeWithWizard(branch: Branch, home: string): Promise<{ path: string; outcome: WizardOutcome }> {
  const workingDir = temporaryDirectory('ttd-wizard-');
  const onExit = vi.fn<(outcome: WizardOutcome) => void>();
  const instance = render(<Wizard context={questionContext({ HOME: home }, countingSecrets())} given={{}} workingDir={workingDir} onExit={onExit} />);
  for (const [question, ...keys] of branch.steps) await answer(instance, question, ...keys);
  await answer(instance, 'Review', KEY.enter);
  await answer(instance, 'Deploy now?', KEY.enter);
  await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
  instance.unmount();
  return { path: join(workingDir, 'envs', `${branch.name}.toml`), outcome: onExit.mock.calls[0]![0] };
}

describe('wizard and init --non-interactive write the same file', () => {
  for (const branch of BRANCHES) {
    it(branch.name, async () => {
      const home = homeWithKey();
      const { path, outcome } = await writeWithWizard(branch, home);
      expect(outcome.status).toBe('written');

      const workingDir = temporaryDirectory('ttd-flags-');
      const result = await runBinary(['init', '--non-interactive', '--working-dir', workingDir, ...branch.flags(home)], { env: { HOME: home } });
      expect(result.stderr).toContain(`Wrote envs/${branch.name}.toml`);
      expect(result.code).toBe(0);

      const fromFlags = readFileSync(join(workingDir, 'envs', `${branch.name}.toml`), 'utf8');
      expect(readFileSync(path, 'utf8')).toBe(fromFlags);
      // The secrets file beside it too: same names, same values, same quoting.
      const secretsBeside = (config: string) => readFileSync(config.replace(/\.toml$/, '.secrets'), 'utf8');
      expect(secretsBeside(path)).toBe(secretsBeside(join(workingDir, 'envs', `${branch.name}.toml`)));

      const loaded = await loadConfigFile(path, {});
      expect(loaded.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      expect(outcome.status === 'written' && loaded.config).toEqual(outcome.status === 'written' ? outcome.prepared.config : undefined);
    });
  }
});
