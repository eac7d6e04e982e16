import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { listrSink } from '../../src/output/listr-sink.js';
import { createOutput } from '../../src/output/console.js';
import { NdjsonWriter } from '../../src/output/ndjson-sink.js';
import { plainSink } from '../../src/output/plain-sink.js';
import type { EngineEvent } from '../../src/plan/events.js';

const EVENTS: EngineEvent[] = [
  { type: 'lock.acquired', environment: 'demo' },
  { type: 'plan.started', environment: 'demo', command: 'configure', stages: [{ stage: 'configure', steps: [{ id: 'docker', title: 'Install Docker', kind: 'remote' }, { id: 'firewall', title: 'Firewall', kind: 'remote' }] }] },
  { type: 'stage.started', stage: 'configure' },
  { type: 'state.changed', environment: 'demo', from: 'provisioned', to: 'configuring' },
  { type: 'step.started', stage: 'configure', step: 'docker', title: 'Install Docker', kind: 'remote' },
  { type: 'step.skipped', step: 'docker', reason: 'already done' },
  { type: 'step.started', stage: 'configure', step: 'firewall', title: 'Firewall', kind: 'remote' },
  { type: 'step.command', step: 'firewall', command: 'sudo ufw allow 22/tcp' },
  { type: 'step.output', step: 'firewall', stream: 'stdout', line: 'Rule added' },
  { type: 'step.output', step: 'firewall', stream: 'stdout', line: 'Firewall is active' },
  { type: 'step.succeeded', step: 'firewall' },
  { type: 'state.changed', environment: 'demo', from: 'configuring', to: 'configured' },
  { type: 'stage.finished', stage: 'configure', outcome: 'succeeded' },
  { type: 'plan.finished', outcome: 'succeeded' },
];

/** What a terminal shows once the tree has drawn its last frame. */
function lastFrame(raw: string): string {
  const frames = raw.replaceAll('\u001b[?25l', '').replaceAll('\u001b[?25h', '').split('\u001b[G');
  return frames.at(-1)!.trimEnd();
}

async function drawTree(verbosity: number): Promise<string> {
  let raw = '';
  const stream = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => ((raw += chunk.toString()), done()) }), { isTTY: true, columns: 100, rows: 40 }) as unknown as NodeJS.WriteStream;
  const tree = listrSink({ verbosity, stream, forceTty: true, stable: true });
  for (const event of EVENTS) {
    tree.sink(event);
    await new Promise((done) => setImmediate(done));
  }
  await tree.finished();
  return verbosity >= 3 ? raw.trimEnd() : lastFrame(raw);
}

describe('the listr2 task tree at each verbosity', () => {
  it('default: collapsed to the stage', async () => {
    expect(await drawTree(0)).toBe('✔ configure');
  });

  it('-v: every step, without its output once done', async () => {
    expect(await drawTree(1)).toBe(['✔ configure', '  ↓ Install Docker (already done)', '  ✔ Firewall'].join('\n'));
  });

  it('-vv: the full output of each step stays', async () => {
    expect(await drawTree(2)).toBe(['✔ configure', '  ↓ Install Docker (already done)', '  ✔ Firewall', '    › $ sudo ufw allow 22/tcp', '    › Rule added', '    › Firewall is active'].join('\n'));
  });

  it('-vvv: every command line and output line, as a log', async () => {
    expect(await drawTree(3)).toBe(['❯ configure', '❯ Install Docker', '↓ Install Docker (already done)', '❯ Firewall', '› $ sudo ufw allow 22/tcp', '› Rule added', '› Firewall is active', '✔ Firewall', '✔ configure'].join('\n'));
  });

  it('a failure ends the tree marking the step, and never hangs on steps that did not run (the error is the headline after it, printed once)', async () => {
    let raw = '';
    const stream = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => ((raw += chunk.toString()), done()) }), { isTTY: true, columns: 100, rows: 40 }) as unknown as NodeJS.WriteStream;
    const tree = listrSink({ verbosity: 1, stream, forceTty: true, stable: true });
    for (const event of [...EVENTS.slice(0, 7), { type: 'step.failed', step: 'firewall', error: 'exited with code 1: ufw: not found' }, { type: 'plan.finished', outcome: 'failed' }] as EngineEvent[]) tree.sink(event);
    await tree.finished();
    expect(lastFrame(raw)).toBe(['❯ configure', '  ↓ Install Docker (already done)', '  ✖ Firewall'].join('\n'));
    expect(raw).not.toContain('ufw: not found');
  });

  it('the undos after a failure follow the tree, last first, a failed undo named', async () => {
    let raw = '';
    const stream = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => ((raw += chunk.toString()), done()) }), { isTTY: true, columns: 100, rows: 40 }) as unknown as NodeJS.WriteStream;
    const tree = listrSink({ verbosity: 1, stream, forceTty: true, stable: true });
    const undos: EngineEvent[] = [
      { type: 'step.failed', step: 'firewall', error: 'exited with code 1' },
      { type: 'step.undo.started', step: 'firewall', title: 'Firewall' },
      { type: 'step.undo.succeeded', step: 'firewall' },
      { type: 'step.undo.started', step: 'docker', title: 'Install Docker' },
      { type: 'step.undo.failed', step: 'docker', error: 'apt is locked' },
      { type: 'plan.finished', outcome: 'failed' },
    ];
    for (const event of [...EVENTS.slice(0, 7), ...undos]) tree.sink(event);
    await tree.finished();
    expect(lastFrame(raw).split('\n').slice(-4)).toEqual(['  ✖ Firewall: exited with code 1', '  … undo: Firewall', '  ↶ undone: Firewall', '  … undo: Install Docker', '  ✗ undo of Install Docker failed: apt is locked'].slice(-4));
    expect(raw).toContain('  ↶ undone: Firewall\n');
  });
  it('the DNS gate keeps the records to create above its countdown, at the default verbosity', async () => {
    let raw = '';
    const stream = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => ((raw += chunk.toString()), done()) }), { isTTY: true, columns: 100, rows: 40 }) as unknown as NodeJS.WriteStream;
    const tree = listrSink({ verbosity: 0, stream, forceTty: true, stable: true });
    const events: EngineEvent[] = [
      { type: 'plan.started', environment: 'demo', command: 'run', stages: [{ stage: 'run', steps: [{ id: 'dns-gate', title: 'Wait for DNS', kind: 'dns-gate' }] }] },
      { type: 'step.started', stage: 'run', step: 'dns-gate', title: 'Wait for DNS', kind: 'dns-gate' },
      { type: 'dns.records', step: 'dns-gate', address: '10.0.0.7', records: [{ type: 'A', name: 'tracker.example.org', value: '10.0.0.7' }] },
      { type: 'step.output', step: 'dns-gate', stream: 'stderr', line: 'waiting for DNS (14:59 left)' },
    ];
    for (const event of events) {
      tree.sink(event);
      await new Promise((done) => setTimeout(done, 50));
    }
    const frame = lastFrame(raw);
    tree.sink({ type: 'step.succeeded', step: 'dns-gate' });
    tree.sink({ type: 'plan.finished', outcome: 'succeeded' });
    await tree.finished();
    expect(frame).toContain('A    tracker.example.org  10.0.0.7');
    expect(frame).toContain('waiting for DNS (14:59 left)');
  });
});

describe('a provider step\'s notices (cost, deprecation) before it creates', () => {
  const events: EngineEvent[] = [
    { type: 'plan.started', environment: 'demo', command: 'provision', stages: [{ stage: 'provision', steps: [{ id: 'create-instance', title: 'Create instance vm (hetzner)', kind: 'provider' }] }] },
    { type: 'stage.started', stage: 'provision' },
    { type: 'step.started', stage: 'provision', step: 'create-instance', title: 'Create instance vm (hetzner)', kind: 'provider' },
    { type: 'step.notice', step: 'create-instance', level: 'info', message: 'Cost: a cx22 server in nbg1 costs 4.51 EUR a month at most' },
    { type: 'step.notice', step: 'create-instance', level: 'warning', message: 'The Hetzner server type "cx22" is deprecated' },
  ];

  it('the tree shows them under the step at the default verbosity while it runs', async () => {
    let raw = '';
    const stream = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => ((raw += chunk.toString()), done()) }), { isTTY: true, columns: 100, rows: 40 }) as unknown as NodeJS.WriteStream;
    const tree = listrSink({ verbosity: 0, stream, forceTty: true, stable: true });
    for (const event of events) {
      tree.sink(event);
      await new Promise((done) => setTimeout(done, 50));
    }
    const frame = lastFrame(raw);
    tree.sink({ type: 'step.succeeded', step: 'create-instance' });
    tree.sink({ type: 'plan.finished', outcome: 'succeeded' });
    await tree.finished();
    expect(frame).toContain('ℹ Cost: a cx22 server in nbg1 costs 4.51 EUR a month at most');
    expect(frame).toContain('⚠ The Hetzner server type "cx22" is deprecated');
  });

  it('plain lines print them at the default verbosity, and -q hides them', () => {
    const lines: string[] = [];
    const sink = plainSink({ write: (line) => lines.push(line), verbosity: 0, quiet: false });
    for (const event of events) sink(event);
    expect(lines).toEqual(['▸ provision', '  ℹ Cost: a cx22 server in nbg1 costs 4.51 EUR a month at most', '  ⚠ The Hetzner server type "cx22" is deprecated']);
    const quiet: string[] = [];
    const silent = plainSink({ write: (line) => quiet.push(line), verbosity: 0, quiet: true });
    for (const event of events) silent(event);
    expect(quiet).toEqual([]);
  });
});

describe('waits and Ctrl-C in the tree', () => {
  const TWO_STAGES: EngineEvent[] = [
    {
      type: 'plan.started',
      environment: 'demo',
      command: 'deploy',
      stages: [
        { stage: 'provision', steps: [{ id: 'wait-ssh', title: 'Wait for SSH on port 1', kind: 'wait' }] },
        { stage: 'configure', steps: [{ id: 'docker', title: 'Install Docker', kind: 'remote' }] },
      ],
    },
    { type: 'stage.started', stage: 'provision' },
    { type: 'step.started', stage: 'provision', step: 'wait-ssh', title: 'Wait for SSH on port 1', kind: 'wait' },
    { type: 'step.attempt', step: 'wait-ssh', attempt: 3, elapsed_ms: 4_100, error: 'ECONNREFUSED', retry_in_ms: 2_000 },
  ];

  async function draw(verbosity: number, events: readonly EngineEvent[], end: readonly EngineEvent[]): Promise<{ during: string; after: string; raw: () => string }> {
    let raw = '';
    const stream = Object.assign(new Writable({ write: (chunk: Buffer, _encoding, done) => ((raw += chunk.toString()), done()) }), { isTTY: true, columns: 120, rows: 40 }) as unknown as NodeJS.WriteStream;
    const tree = listrSink({ verbosity, stream, forceTty: true, stable: true });
    for (const event of events) {
      tree.sink(event);
      await new Promise((done) => setTimeout(done, 20));
    }
    const during = lastFrame(raw);
    for (const event of end) tree.sink(event);
    await tree.finished();
    return { during, after: lastFrame(raw), raw: () => raw };
  }

  it.each([0, 1, 2])('a wait shows its attempt, the seconds since the first and the last error on its line (-v×%i)', async (verbosity) => {
    const { during } = await draw(verbosity, TWO_STAGES, [{ type: 'plan.finished', outcome: 'failed' }]);
    expect(during).toContain('Wait for SSH on port 1 · attempt 3, 4 s: ECONNREFUSED; trying again in 2 s');
  });

  it('Ctrl-C: the notice is drawn in the tree; the stopped stage and the stages that never ran are not marked done', async () => {
    const { during, after } = await draw(0, [...TWO_STAGES, { type: 'stop.requested', message: 'Stopping at the next safe point (Ctrl-C again to abort now)…' }], [
      { type: 'stage.finished', stage: 'provision', outcome: 'interrupted' },
      { type: 'plan.finished', outcome: 'interrupted' },
    ]);
    expect(during).toContain('provision · Stopping at the next safe point (Ctrl-C again to abort now)…');
    expect(after).toContain('↓ provision (stopped by Ctrl-C)');
    expect(after).toContain('↓ configure (not run)');
    expect(after).not.toContain('✔');
  });

  it('-v: a step stopped by Ctrl-C says so; the next stage is not run', async () => {
    const { after } = await draw(1, TWO_STAGES, [
      { type: 'stage.finished', stage: 'provision', outcome: 'interrupted' },
      { type: 'plan.finished', outcome: 'interrupted' },
    ]);
    expect(after).not.toContain('✔');
    expect(after).toContain('↓ configure (not run)');
  });
});

describe('plain lines (stderr is not a terminal)', () => {
  const draw = (verbosity: number, quiet = false) => {
    const lines: string[] = [];
    const sink = plainSink({ write: (line) => lines.push(line), verbosity, quiet });
    for (const event of EVENTS) sink(event);
    return lines;
  };

  it('default: stages and step results', () => {
    expect(draw(0)).toEqual(['▸ configure', '  ↷ Install Docker (already done)', '  ✓ Firewall']);
  });

  it('-vv: command lines, output and state changes too', () => {
    expect(draw(2)).toEqual([
      '▸ configure',
      '  state: provisioned → configuring',
      '  … Install Docker',
      '  ↷ Install Docker (already done)',
      '  … Firewall',
      '    $ sudo ufw allow 22/tcp',
      '    │ Rule added',
      '    │ Firewall is active',
      '  ✓ Firewall',
      '  state: configuring → configured',
    ]);
  });

  it('-q: nothing unless a step fails', () => {
    expect(draw(0, true)).toEqual([]);
  });
});

describe('NDJSON', () => {
  it('one JSON object per line, each with its type and time', () => {
    let text = '';
    const output = createOutput({ json: true, quiet: false, verbosity: 0, color: false, streams: { stdout: (chunk) => (text += chunk), stderr: () => undefined } });
    const writer = new NdjsonWriter(output, () => new Date('2026-01-01T00:00:00.000Z'));
    for (const event of EVENTS) writer.sink(event);
    writer.line({ type: 'result', ok: true, exit_code: 0, command: 'configure' });
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(EVENTS.length + 1);
    expect(lines[0]).toEqual({ type: 'lock.acquired', environment: 'demo', at: '2026-01-01T00:00:00.000Z' });
    expect(lines.at(-1)).toEqual({ type: 'result', ok: true, exit_code: 0, command: 'configure' });
  });
});

describe('the reporter', () => {
  const capture = (json: boolean) => {
    const written = { stdout: '', stderr: '' };
    const output = createOutput({ json, quiet: false, verbosity: 1, color: false, command: 'release', streams: { stdout: (text) => (written.stdout += text), stderr: (text) => (written.stderr += text) } });
    return { output, written };
  };

  it('masks every secret it was given, on both streams and in JSON lines', () => {
    const text = capture(false);
    text.output.addSecrets(['S3cretAdminToken']);
    text.output.info('token S3cretAdminToken sent');
    text.output.detail('again: S3cretAdminToken');
    text.output.result('S3cretAdminToken');
    expect(text.written.stderr).toBe('token *** sent\nagain: ***\n');
    expect(text.written.stdout).toBe('***\n');
    const json = capture(true);
    json.output.addSecrets(['S3cretAdminToken']);
    json.output.resultJson({ echoed: ['S3cretAdminToken'] });
    expect(JSON.parse(json.written.stdout)).toEqual({ type: 'result', ok: true, exit_code: 0, command: 'release', echoed: ['***'] });
  });

  it('with --json, the result line carries ok and the exit code, and ends the output', () => {
    const { output, written } = capture(true);
    output.result('text results are for text mode');
    expect(output.ended).toBe(false);
    output.resultJson({ is_valid: false }, 2);
    expect(output.ended).toBe(true);
    expect(JSON.parse(written.stdout)).toEqual({ type: 'result', ok: false, exit_code: 2, command: 'release', is_valid: false });
  });
});
