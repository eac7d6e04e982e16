import type { Answers, QuestionContext } from '../../questionnaire/types.js';
import { HetznerApiError } from '../providers/hetzner/errors.js';
import { lookupClient, NO_TOKEN_COST_LINE, offeredServerTypes, reviewChoice } from '../providers/hetzner/review.js';

/**
 * What the wizard learns from Hetzner when a token is at hand: the server types
 * to offer, and the cost line and warnings for its review. The screens call these;
 * a failure to ask leaves the wizard as it is without them (the flags accept any type).
 */

/**
 * The context with the server types from `GET /server_types`, when a token is at hand
 * (HCLOUD_TOKEN, or the one the user just typed) and the API answers.
 */
export async function withHetznerServerTypes(context: QuestionContext, env: NodeJS.ProcessEnv, token: string | undefined = env['HCLOUD_TOKEN']): Promise<QuestionContext> {
  if (!token) return context;
  try {
    const offered = await offeredServerTypes(token, env);
    return offered.length > 0 ? { ...context, hetznerServerTypes: offered.map(({ value, label }) => ({ value, label })) } : context;
  } catch {
    return context;
  }
}

/** The review's lines for a Hetzner answer set: the cost line and any warning, or why the cost is not known. Empty for other providers. */
export async function hetznerReviewLines(answers: Answers, env: NodeJS.ProcessEnv): Promise<string[]> {
  if (answers['provider'] !== 'hetzner') return [];
  const token = String(answers['hetzner_token'] ?? '') || env['HCLOUD_TOKEN'];
  if (!token) return [NO_TOKEN_COST_LINE];
  try {
    const notices = await reviewChoice(token, { serverType: String(answers['hetzner_server_type']), location: String(answers['hetzner_location']), image: String(answers['hetzner_image']) }, env);
    return notices.map((notice) => (notice.level === 'warning' ? `⚠ ${notice.message}` : notice.message));
  } catch (error) {
    return [`⚠ ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** What Hetzner said of a token: taken, refused (401: the wizard asks again), or not asked (no network: a warning, never a block). */
export type TokenCheck =
  | { readonly status: 'accepted' }
  | { readonly status: 'refused'; readonly message: string; readonly fix: string | undefined }
  | { readonly status: 'unchecked'; readonly message: string };

/** Asks `GET /locations` with the token, the cheapest call that needs a valid one. */
export async function checkHetznerToken(token: string, env: NodeJS.ProcessEnv): Promise<TokenCheck> {
  try {
    await lookupClient(token, env).http.request('GET', '/locations');
    return { status: 'accepted' };
  } catch (error) {
    if (error instanceof HetznerApiError && error.status === 401) return { status: 'refused', message: error.message, fix: error.fix };
    return { status: 'unchecked', message: error instanceof Error ? error.message : String(error) };
  }
}
