import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hetznerReviewLines } from '../../src/wizard/hetzner.js';
import { startHetznerApiStandIn, STAND_IN_TOKEN, type HetznerApiStandIn } from '../../tests/stand-ins/hetzner-api/server.js';
import { waitFor } from '../testing.js';
import { testContext } from './fixtures.js';
import { Wizard } from './Wizard.js';

/** The Hetzner API stand-in on loopback answers the review's question, as the real API would the wizard's. */
let standIn: HetznerApiStandIn;

beforeAll(async () => {
  standIn = await startHetznerApiStandIn();
});

afterAll(async () => {
  await standIn?.close();
});

function start(given: Record<string, string>) {
  const env = { HCLOUD_ENDPOINT: standIn.url };
  const workingDir = mkdtempSync(join(tmpdir(), 'ttd-provider-lines-'));
  return render(<Wizard context={testContext()} given={given} workingDir={workingDir} onExit={() => undefined} providerReview={(answers) => hetznerReviewLines(answers, env)} />);
}

describe("the provider's lines under the wizard's summary", () => {
  it('Hetzner with a token: the recommended settings show what the server costs, from GET /pricing', async () => {
    const instance = start({ name: 'edge', provider: 'hetzner', hetzner_token: STAND_IN_TOKEN });
    const frame = await waitFor(instance, 'Cost: a cx23 server in nbg1 costs');
    expect(frame).toContain('Recommended settings');
    expect(frame).toMatch(/Cost: a cx23 server in nbg1 costs 3\.56 EUR a month at most/);
    instance.unmount();
  });

  it('a deprecated type given by flag gets its warning with its last day', async () => {
    const instance = start({ name: 'edge', provider: 'hetzner', hetzner_token: STAND_IN_TOKEN, hetzner_server_type: 'cx22' });
    const frame = await waitFor(instance, 'deprecated');
    expect(frame).toMatch(/Cost: a cx22 server in nbg1 costs/);
    expect(frame).toMatch(/⚠ The Hetzner server type "cx22" is deprecated/);
    instance.unmount();
  });

  it('another provider: no provider lines at all', async () => {
    const instance = start({ name: 'edge', provider: 'existing', host: '127.0.0.1' });
    const frame = await waitFor(instance, 'Recommended settings');
    expect(frame).not.toContain('Cost');
    instance.unmount();
  });
});
