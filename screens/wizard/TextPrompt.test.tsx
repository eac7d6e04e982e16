import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { KEY, press, settle } from '../testing.js';
import { TextPrompt } from './TextPrompt.js';

describe('TextPrompt', () => {
  it('Enter on an empty line accepts the default shown dimmed', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback="tracker.db" onSubmit={onSubmit} onBack={() => undefined} />);
    expect(instance.lastFrame()).toContain('tracker.db');
    await press(instance, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('tracker.db');
  });

  it('typing replaces the default; backspace deletes', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback="x" onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, 'abcd', KEY.backspace, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('abc');
  });

  it('a secret shows bullets, never the typed text or the default', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback="generated-secret" mask onSubmit={onSubmit} onBack={() => undefined} />);
    await settle();
    expect(instance.lastFrame()).not.toContain('generated-secret');
    await press(instance, 'hunter2');
    expect(instance.lastFrame()).toContain('•••••••');
    expect(instance.lastFrame()).not.toContain('hunter2');
    await press(instance, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('hunter2');
  });

  it('Esc goes back', async () => {
    const onBack = vi.fn();
    const instance = render(<TextPrompt fallback={undefined} onSubmit={() => undefined} onBack={onBack} />);
    await press(instance, KEY.escape);
    expect(onBack).toHaveBeenCalled();
  });
});
