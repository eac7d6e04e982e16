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

  it('a paste that ends with a newline fills the line and submits, as in a shell', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback="my-tracker" onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, 'edge\r');
    expect(onSubmit).toHaveBeenCalledWith('edge');
  });

  it('the cursor moves with ←/→ and Ctrl-A/E; text goes in at the cursor', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback={undefined} onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, 'trker', KEY.left, KEY.left, KEY.left, 'ac', '\u0001', '>', '\u0005', '<', KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('>tracker<');
  });

  it('Ctrl-U clears to the start, Ctrl-W deletes the word before the cursor', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback={undefined} onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, 'wrong words', '\u0015', 'one two', '\u0017', 'three', KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('one three');
  });

  it('Backspaces that arrive together are each applied', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback={undefined} onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, 'abcdef', '\u007f\u007f\u007f', KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('abc');
  });

  it('a previous answer is in the line to edit, not a placeholder to retype', async () => {
    const onSubmit = vi.fn();
    const instance = render(<TextPrompt fallback="6969" initial="6969,7000" onSubmit={onSubmit} onBack={() => undefined} />);
    await press(instance, KEY.backspace, '1', KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith('6969,7001');
  });
});
