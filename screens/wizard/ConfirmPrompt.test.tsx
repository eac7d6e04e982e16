import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { KEY, press } from '../testing.js';
import { ConfirmPrompt } from './ConfirmPrompt.js';

describe('ConfirmPrompt', () => {
  it('Enter takes the default, shown as the capital letter', async () => {
    const onSubmit = vi.fn();
    const instance = render(<ConfirmPrompt initial={false} onSubmit={onSubmit} onBack={() => undefined} />);
    expect(instance.lastFrame()).toContain('y/N');
    await press(instance, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith(false);
  });

  it('y and n answer at once', async () => {
    const onSubmit = vi.fn();
    const instance = render(<ConfirmPrompt initial={false} onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, 'y');
    expect(onSubmit).toHaveBeenLastCalledWith(true);
    await press(instance, 'N');
    expect(onSubmit).toHaveBeenLastCalledWith(false);
  });
});
