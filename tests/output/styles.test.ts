import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { terminalStyles } from '../../src/output/styles.js';

// The reporter's styles stand in for chalk outside Ink's screens: they must write what chalk writes.
describe('terminalStyles', () => {
  const names = ['bold', 'dim', 'red', 'green', 'yellow'] as const;
  const chalk = new Chalk({ level: 1 });

  it.each(names)('%s writes the codes chalk writes at its 16-colour level', (name) => {
    expect(terminalStyles(true)[name]('✓ ready')).toBe(chalk[name]('✓ ready'));
  });

  it.each(names)('%s writes the text alone when colour is off', (name) => {
    expect(terminalStyles(false)[name]('✓ ready')).toBe('✓ ready');
  });
});
