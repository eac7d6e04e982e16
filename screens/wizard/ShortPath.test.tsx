import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { QUESTIONS } from '../../questionnaire/questions.js';
import { resolveDynamic } from '../../questionnaire/types.js';
import { summarize, summaryLines } from '../../src/config/summary.js';
import { applicableQuestions } from '../../src/wizard/session.js';
import { recommendedAnswers, recommendedPreparation } from '../../src/wizard/short-path.js';
import { answer, KEY, press, renderSized, waitFor } from '../testing.js';
import { fixtureChecks, testContext, writtenConfig } from './fixtures.js';
import { Wizard, type WizardOutcome } from './Wizard.js';

function start(options: { canDeploy?: boolean } = {}) {
  const workingDir = mkdtempSync(join(tmpdir(), 'ttd-short-'));
  const onExit = vi.fn<(outcome: WizardOutcome) => void>();
  const instance = render(<Wizard checkBeforeWrite={fixtureChecks} context={testContext()} given={{}} workingDir={workingDir} onExit={onExit} {...(options.canDeploy === undefined ? {} : { canDeploy: options.canDeploy })} />);
  return { instance, onExit, workingDir };
}

/** Name, an existing host at 127.0.0.1: the whole short path. */
async function shortPath(instance: ReturnType<typeof render>): Promise<string> {
  await answer(instance, 'Name of the environment', 'edge', KEY.enter);
  const provider = await waitFor(instance, 'Where should the tracker run?');
  expect(provider).toContain('question 2 of');
  await answer(instance, 'Where should the tracker run?', KEY.down, KEY.down, KEY.enter);
  await answer(instance, 'Address of the host', '127.0.0.1', KEY.enter);
  return waitFor(instance, 'Recommended settings');
}

describe('the short path', () => {
  it("asks the name, the provider and the host, then shows validate's \"What it deploys\" for the recommended settings", async () => {
    const { instance, workingDir } = start();
    const frame = await shortPath(instance);
    const preparation = recommendedPreparation({ name: 'edge', provider: 'existing', host: '127.0.0.1' }, testContext(), workingDir);
    expect(preparation.ok).toBe(true);
    if (!preparation.ok) return;
    for (const line of summaryLines(summarize(preparation.prepared.config))) expect(frame).toContain(line.slice(0, 60));
    expect(frame).toContain('❯ Write and deploy');
    expect(frame).toContain('Customise');
    expect(frame).toContain('Write only');
  });

  it('fits 80×24: every line of the recommended settings screen, the choices included', async () => {
    const workingDir = mkdtempSync(join(tmpdir(), 'ttd-short-'));
    const instance = await renderSized(<Wizard checkBeforeWrite={fixtureChecks} context={testContext()} given={{}} workingDir={workingDir} onExit={() => undefined} />, { columns: 80, rows: 24 });
    const frame = await shortPath(instance as never);
    instance.unmount();
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(frame).toContain('Cancel (write nothing)');
  });

  it('at 80×24 each default carries its reason, wrapped rather than cut off, and PgDn scrolls to the end', async () => {
    const workingDir = mkdtempSync(join(tmpdir(), 'ttd-short-'));
    // The SSH port is given, so it is no default and has no reason to show.
    const given = { ssh_port: 2222 };
    const instance = await renderSized(<Wizard checkBeforeWrite={fixtureChecks} context={testContext()} given={given} workingDir={workingDir} onExit={() => undefined} />, { columns: 80, rows: 24 });
    const frames = [await shortPath(instance as never)];
    for (let page = 0; page < 10 && !frames.at(-1)!.includes('(end)'); page++) {
      await press(instance as never, KEY.pageDown);
      frames.push(instance.lastFrame() ?? '');
    }
    instance.unmount();
    expect(frames.at(-1)).toContain('(end)');
    expect(frames[0]).toContain('more lines: PgDn');
    for (const frame of frames) {
      const lines = frame.split('\n');
      expect(lines.length).toBeLessThanOrEqual(23);
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
      expect(frame).not.toContain('…');
      expect(frame).toContain('❯ Write and deploy');
    }
    // What was on screen, page after page, as one text: a reason wrapped over two lines reads whole.
    const shown = frames
      .flatMap((frame) => frame.split('\n'))
      .filter((line) => !/more lines?: Pg|\(end\)/.test(line))
      .map((line) => line.trim().replace(/^↳ /, ''))
      .join(' ');
    const typed = { name: 'edge', provider: 'existing', host: '127.0.0.1', ...given };
    const recommended = recommendedAnswers(typed, testContext());
    const defaulted = applicableQuestions(recommended, testContext()).filter((question) => !(question.id in typed) && question.reason !== undefined);
    expect(defaulted.map((question) => question.id)).toEqual(expect.arrayContaining(['ssh_key', 'ssh_user', 'private', 'database', 'protocols', 'backup']));
    for (const question of defaulted) expect(shown).toContain(resolveDynamic(question.reason, recommended, testContext()));
    expect(shown).toContain('must already exist on the host, with passwordless sudo');
    const sshPort = QUESTIONS.find((question) => question.id === 'ssh_port')!;
    expect(shown).not.toContain(String(resolveDynamic(sshPort.reason, recommended, testContext())));
    expect(shown).toContain('torrust@127.0.0.1, port 2222');
  });

  it('Write and deploy writes the recommended config and asks the command to deploy it', async () => {
    const { instance, onExit, workingDir } = start();
    await shortPath(instance);
    await answer(instance, 'Recommended settings', KEY.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    expect(onExit.mock.calls[0]![0]).toMatchObject({ status: 'written', deployNow: true });
    const written = writtenConfig(join(workingDir, 'envs', 'edge.toml'));
    expect(written['provider']).toEqual({ provider: 'existing', host: '127.0.0.1' });
    expect(written['tracker'].http_api.admin_token).toBe('generated-api-token-0001');
  });

  it('Write only writes it and does not deploy', async () => {
    const { instance, onExit, workingDir } = start();
    await shortPath(instance);
    await answer(instance, 'Recommended settings', KEY.down, KEY.down, KEY.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    expect(onExit.mock.calls[0]![0]).toMatchObject({ status: 'written', deployNow: false });
    expect(existsSync(join(workingDir, 'envs', 'edge.toml'))).toBe(true);
  });

  it('without a terminal session to deploy in, Write and deploy is not offered', async () => {
    const { instance } = start({ canDeploy: false });
    const frame = await shortPath(instance);
    expect(frame).not.toContain('Write and deploy');
    expect(frame).toContain('❯ Customise');
  });

  it('Customise walks the remaining questions', async () => {
    const { instance } = start();
    await shortPath(instance);
    await answer(instance, 'Recommended settings', KEY.down, KEY.enter);
    const frame = await waitFor(instance, 'Description (optional)');
    expect(frame).toMatch(/question \d+ of \d\d/);
  });

  it('Cancel on the recommended settings writes nothing', async () => {
    const { instance, onExit, workingDir } = start();
    await shortPath(instance);
    await answer(instance, 'Recommended settings', KEY.up, KEY.enter);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith({ status: 'cancelled' }));
    expect(existsSync(join(workingDir, 'envs'))).toBe(false);
  });
});
