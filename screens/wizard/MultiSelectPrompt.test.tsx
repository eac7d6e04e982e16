import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { KEY, press } from '../testing.js';
import { MultiSelectPrompt } from './MultiSelectPrompt.js';

const choices = [
  { value: 'udp', label: 'UDP tracker' },
  { value: 'http', label: 'HTTP tracker' },
];

describe('MultiSelectPrompt', () => {
  it('starts with the defaults checked; Space toggles; Enter gives the checked ones in order', async () => {
    const onSubmit = vi.fn();
    const instance = render(<MultiSelectPrompt choices={choices} initial={['http']} onSubmit={onSubmit} onBack={() => undefined} />);
    expect(instance.lastFrame()).toContain('◯ UDP tracker');
    expect(instance.lastFrame()).toContain('◉ HTTP tracker');
    await press(instance, KEY.space);
    expect(instance.lastFrame()).toContain('◉ UDP tracker');
    await press(instance, KEY.down, KEY.space, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith(['udp']);
  });
});
