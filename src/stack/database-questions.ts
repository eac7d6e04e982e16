import type { Answers } from '../../questionnaire/types.js';

/** The wizard's database choice: each database's questions are asked when it is chosen. */
export const DATABASE_QUESTION = 'database';

export const askedFor = (driver: string) => (answers: Answers): boolean => answers[DATABASE_QUESTION] === driver;
