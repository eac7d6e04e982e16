import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { resolveAnswers } from '../../src/wizard/session.js';
import { prepareConfig } from '../../src/wizard/prepare.js';
import { KEY, press, renderSized, waitFor } from '../testing.js';
import { testContext } from './fixtures.js';
import { ReviewScreen } from './ReviewScreen.js';

const context = testContext();
const preparationOf = (given: Record<string, string | number | boolean>) => prepareConfig(resolveAnswers(given, context, { acceptDefaults: true }).answers, context, '/tmp/project');

describe('ReviewScreen', () => {
  it("shows validate's summary, fitting 80×24, with the TOML one key away", async () => {
    const instance = await renderSized(<ReviewScreen preparation={preparationOf({ name: 'shown' })} dryRun={false} error={undefined} onAction={() => undefined} onBack={() => undefined} />, { columns: 80, rows: 24 });
    const frame = await waitFor(instance, 'What it deploys');
    expect(frame).toContain('Environment:   shown (instance torrust-tracker-vm-shown)');
    expect(frame).not.toContain('[tracker.http_api]');
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    for (const line of frame.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    await press(instance, 't');
    // The file is longer than the screen: it scrolls, every page within 80×24.
    await waitFor(instance, '[environment]');
    expect(instance.lastFrame()).toMatch(/comments left out; secrets in envs\/[a-z0-9-]+\.secrets/);
    for (let page = 0; page < 10 && !(instance.lastFrame() ?? '').includes('admin_token'); page++) {
      const shown = instance.lastFrame() ?? '';
      expect(shown).toContain('more lines: PgDn');
      expect(shown.split('\n').length).toBeLessThan(24);
      await press(instance, KEY.pageDown);
    }
    expect(instance.lastFrame()).toContain('admin_token = "${TTD_TRACKER_ADMIN_TOKEN}"');
    await press(instance, 't');
    await waitFor(instance, 'What it deploys');
    instance.unmount();
  });

  it('shows the TOML, its secrets as ${VAR} of the secrets file (t), and offers to write it', async () => {
    const onAction = vi.fn();
    const instance = render(<ReviewScreen preparation={preparationOf({ name: 'shown' })} dryRun={false} error={undefined} onAction={onAction} onBack={() => undefined} />);
    await press(instance, 't');
    const frame = instance.lastFrame() ?? '';
    expect(frame).toContain('[tracker.http_api]');
    expect(frame).toContain('admin_token = "${TTD_TRACKER_ADMIN_TOKEN}"');
    expect(frame).not.toContain('generated-api-token-0001');
    expect(frame).toContain('❯ Write envs/shown.toml');
    await press(instance, KEY.enter);
    expect(onAction).toHaveBeenCalledWith('write');
  });

  it('lists conflicts between answers and offers to fix the first', async () => {
    const onAction = vi.fn();
    const instance = render(<ReviewScreen preparation={preparationOf({ name: 'clash', http_ports: '1212' })} dryRun={false} error={undefined} onAction={onAction} onBack={() => undefined} />);
    const frame = instance.lastFrame() ?? '';
    expect(frame).toContain('do not make a valid config');
    expect(frame).toContain('port conflict');
    expect(frame).toContain('❯ Fix:');
    await press(instance, KEY.down, KEY.down, KEY.enter);
    expect(onAction).toHaveBeenCalledWith('cancel');
  });
});
