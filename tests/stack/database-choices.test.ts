import { describe, expect, it } from 'vitest';
import { DATABASE_CHOICES } from '../../src/stack/database-choices.js';
import { DATABASES } from '../../src/stack/databases.js';

describe('the questionnaire offers the databases the registry has', () => {
  it('same drivers, titles, order, and each module asks the questions the wizard lists for it', () => {
    expect(DATABASE_CHOICES.map((choice) => [choice.driver, choice.title])).toEqual(DATABASES.map((database) => [database.driver, database.title]));
    DATABASE_CHOICES.forEach((choice, index) => expect(choice.wizard).toBe(DATABASES[index]?.wizard));
  });
});
