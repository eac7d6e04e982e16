import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../src/mcp/progress.js';

describe('progress notifications from engine events', () => {
  it('counts finished steps against the plan, half a step while one runs, and never goes backwards', () => {
    const tracker = new ProgressTracker();
    const events = [
      { type: 'lock.acquired', environment: 'demo' },
      { type: 'plan.started', environment: 'demo', command: 'deploy', stages: [{ stage: 'configure', steps: [{ id: 'a', title: 'Install Docker' }, { id: 'b', title: 'Firewall' }] }] },
      { type: 'stage.started', stage: 'configure' },
      { type: 'step.started', stage: 'configure', step: 'a', title: 'Install Docker' },
      { type: 'step.output', step: 'a', stream: 'stdout', line: 'noise' },
      { type: 'step.skipped', step: 'a', reason: 'installed' },
      { type: 'step.started', stage: 'configure', step: 'b', title: 'Firewall' },
      { type: 'step.failed', step: 'b', error: 'ufw: not found' },
      { type: 'plan.finished', outcome: 'failed' },
    ];
    const notes = events.map((event) => tracker.next(event)).filter((note) => note !== undefined);
    expect(notes).toEqual([
      { progress: 0, total: 2, message: 'deploy demo: 2 steps in configure' },
      { progress: 0.5, total: 2, message: 'configure: Install Docker' },
      { progress: 1, total: 2, message: 'already done: Install Docker' },
      { progress: 1.5, total: 2, message: 'configure: Firewall' },
      { progress: 2, total: 2, message: 'failed: Firewall: ufw: not found' },
    ]);
  });
});
