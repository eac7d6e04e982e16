// @module-tag needs-anchor-configs
/**
 * Optional: the Rust deployer's own 15 example configs, when they are beside the clone
 * (../shared/anchor-configs, or $TTD_ANCHOR_CONFIGS). Without them this file's tests are
 * skipped and counted in the summary at the end of `npm test`; the project's own fixtures
 * (deployer-json-configs.test.ts) always run.
 */
import { expect, it } from 'vitest';
import { sharedAnchorConfigFiles } from '../support/configs.js';
import { describeDeployerJsonConfigs } from './deployer-json-checks.js';

const files = sharedAnchorConfigFiles();

it('all 15 of them are there', () => {
  expect(files).toHaveLength(15);
});

describeDeployerJsonConfigs('the Rust deployer\'s own example configs (../shared/anchor-configs)', files);
