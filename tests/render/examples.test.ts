import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleConfigFiles, generateExamples, RENDERED_DIR } from '../../docs/examples/generate.mjs';
import { temporaryDirectory } from '../support/cli.js';

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

describe('docs/examples', () => {
  it('has a dozen or more configs', () => {
    expect(exampleConfigFiles().length).toBeGreaterThanOrEqual(12);
  });

  it('rendered/ is exactly what the generator makes now (run `npm run examples` after changing a template)', async () => {
    const fresh = temporaryDirectory('ttd-examples-');
    await generateExamples(fresh);
    const expected = filesUnder(fresh);
    expect(filesUnder(RENDERED_DIR)).toEqual(expected);
    for (const path of expected) {
      expect(readFileSync(join(RENDERED_DIR, path), 'utf8'), path).toBe(readFileSync(join(fresh, path), 'utf8'));
      const executable = (file: string) => (statSync(file).mode & 0o100) !== 0;
      expect(executable(join(RENDERED_DIR, path)), `${path} executable bit`).toBe(executable(join(fresh, path)));
    }
  });
});
