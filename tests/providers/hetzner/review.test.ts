import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUESTIONS } from '../../../questionnaire/questions.js';
import { resolveDynamic } from '../../../questionnaire/types.js';
import { offeredServerTypes } from '../../../src/providers/hetzner/review.js';
import { questionContext } from '../../../src/wizard/context.js';
import { hetznerReviewLines, withHetznerServerTypes } from '../../../src/wizard/hetzner.js';
import { startHetznerApiStandIn, STAND_IN_TOKEN, type HetznerApiStandIn } from '../../stand-ins/hetzner-api/server.js';
import { NO_HETZNER_API } from '../../support/cli.js';

/** What the wizard asks Hetzner (the stand-in, on loopback, on the real clock): the server types to offer and the review's cost line. */

let standIn: HetznerApiStandIn;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  standIn = await startHetznerApiStandIn();
  env = { HOME: '/nonexistent', HCLOUD_ENDPOINT: standIn.url, HCLOUD_TOKEN: STAND_IN_TOKEN };
});

afterAll(async () => {
  await standIn?.close();
});

const hetzner = { provider: 'hetzner', hetzner_token: '', hetzner_server_type: 'cx23', hetzner_location: 'nbg1', hetzner_image: 'ubuntu-24.04' };

describe('the server types the wizard offers, from GET /server_types', () => {
  it('lists what can be ordered today, current types first, a deprecated one marked with its end date, none past it', async () => {
    const offered = await offeredServerTypes(STAND_IN_TOKEN, env);
    const names = offered.map((type) => type.value);
    expect(names).toEqual(expect.arrayContaining(['cx23', 'cx33', 'cpx22', 'cax11', 'cx22']));
    expect(names).not.toContain('cx11');
    expect(names.at(-1)).toBe('cx22');
    expect(offered.find((type) => type.value === 'cx22')!.label).toMatch(/deprecated, orderable until \d{4}-\d\d-\d\d/);
    expect(offered.find((type) => type.value === 'cx23')!.label).toBe('cx23 (2 vCPU, 4 GB, 40 GB disk, x86; fsn1 nbg1 hel1)');
    expect((await offeredServerTypes(STAND_IN_TOKEN, env, { location: 'ash' })).map((type) => type.value)).toEqual(['cpx22']);
  });

  it('the wizard\'s server type question offers them when HCLOUD_TOKEN is set; without a token or an API it keeps its own list', async () => {
    const question = QUESTIONS.find((candidate) => candidate.id === 'hetzner_server_type')!;
    const choicesWith = async (variables: NodeJS.ProcessEnv) => {
      const context = await withHetznerServerTypes(questionContext(variables), variables);
      return resolveDynamic(question.choices, hetzner, context)!.map((choice) => choice.value);
    };
    expect(await choicesWith(env)).toContain('cpx22');
    expect(await choicesWith({ ...env, HCLOUD_TOKEN: '' })).toEqual(['cx23', 'cx33', 'cx43']);
    expect(await choicesWith({ ...env, HCLOUD_ENDPOINT: NO_HETZNER_API })).toEqual(['cx23', 'cx33', 'cx43']);
    // A token the user typed in the wizard works as HCLOUD_TOKEN does.
    const typed = await withHetznerServerTypes(questionContext({}), { HCLOUD_ENDPOINT: standIn.url }, STAND_IN_TOKEN);
    expect(resolveDynamic(question.choices, hetzner, typed)!.map((choice) => choice.value)).toContain('cax11');
  });
});

describe('the wizard review\'s Hetzner lines', () => {
  it('the cost line for the answers, a deprecated type\'s warning, or why the cost is not known', async () => {
    expect(await hetznerReviewLines(hetzner, env)).toEqual([expect.stringMatching(/^Cost: a cx23 server in nbg1 costs 3\.56 EUR a month at most, 0\.0049 EUR an hour, gross/)]);
    const deprecated = await hetznerReviewLines({ ...hetzner, hetzner_server_type: 'cx22' }, env);
    expect(deprecated[1]).toMatch(/^⚠ The Hetzner server type "cx22" is deprecated/);
    expect(await hetznerReviewLines(hetzner, { ...env, HCLOUD_TOKEN: '' })).toEqual([expect.stringMatching(/^Cost: not known: no Hetzner API token/)]);
    expect(await hetznerReviewLines({ ...hetzner, hetzner_token: STAND_IN_TOKEN }, { HCLOUD_ENDPOINT: standIn.url })).toHaveLength(1);
    expect(await hetznerReviewLines({ provider: 'lxd' }, env)).toEqual([]);
  });
});
