import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { KEY, press } from '../testing.js';
import { SelectPrompt } from './SelectPrompt.js';

const choices = [
  { value: 'lxd', label: 'LXD' },
  { value: 'hetzner', label: 'Hetzner' },
  { value: 'existing', label: 'Existing host' },
];

describe('SelectPrompt', () => {
  it('starts on the default, so Enter accepts it', async () => {
    const onSubmit = vi.fn();
    const instance = render(<SelectPrompt choices={choices} initial="hetzner" onSubmit={onSubmit} onBack={() => undefined} />);
    expect(instance.lastFrame()).toContain('❯ Hetzner');
    await press(instance, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('hetzner');
  });

  it('moves with the arrows and wraps around', async () => {
    const onSubmit = vi.fn();
    const instance = render(<SelectPrompt choices={choices} initial="lxd" onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, KEY.up, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('existing');
  });

  it('Esc goes back', async () => {
    const onBack = vi.fn();
    const instance = render(<SelectPrompt choices={choices} initial={undefined} onSubmit={() => undefined} onBack={onBack} />);
    await press(instance, KEY.escape);
    expect(onBack).toHaveBeenCalled();
  });

  it('a long list scrolls: the selected row is always on screen, with how many are hidden above and below', async () => {
    const many = Array.from({ length: 25 }, (_, index) => ({ value: `q${index + 1}`, label: `Question ${index + 1}` }));
    const onSubmit = vi.fn();
    const instance = render(<SelectPrompt choices={many} initial="q1" onSubmit={onSubmit} onBack={() => undefined} />);
    let frame = instance.lastFrame() ?? '';
    expect(frame).toContain('❯ Question 1');
    expect(frame).not.toContain('Question 9\n');
    expect(frame).toContain('↓ 17 more');
    await press(instance, ...Array.from({ length: 19 }, () => KEY.down));
    frame = instance.lastFrame() ?? '';
    expect(frame).toContain('❯ Question 20');
    expect(frame).not.toContain('Question 1\n');
    expect(frame).toMatch(/↑ \d+ more/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(10);
    await press(instance, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('q20');
  });
});
