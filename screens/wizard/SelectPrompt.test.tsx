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
});
