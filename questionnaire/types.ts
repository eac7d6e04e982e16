/**
 * The wizard's questions as data. The Ink screens ask them one at a time, the
 * `init` command turns each into a flag, and src/wizard turns the answers into
 * a config. Nothing here imports Ink or React.
 */

export type QuestionType = 'choice' | 'multi-choice' | 'text' | 'number' | 'secret' | 'confirm';

export type Answer = string | number | boolean | readonly string[];

/** Answers so far, by question id. */
export type Answers = Readonly<Record<string, Answer>>;

/** What the questions may depend on besides earlier answers: the user's machine. */
export interface QuestionContext {
  /** Private keys found in ~/.ssh that have a .pub beside them (absolute paths). */
  readonly sshKeys: readonly string[];
  /** The home directory, for the path of a generated key. */
  readonly home: string;
  /** HCLOUD_TOKEN is set, so the Hetzner token can come from it. */
  readonly hcloudTokenInEnvironment: boolean;
  /** The server types `GET /server_types` offers, when a Hetzner token was at hand to ask (else the built-in list). */
  readonly hetznerServerTypes?: readonly Choice[];
  /** Secrets generated once per session, offered as defaults (key: question id). */
  readonly generatedSecrets: Readonly<Record<string, string>>;
}

export interface Choice {
  readonly value: string;
  readonly label: string;
}

type Dynamic<T> = T | ((answers: Answers, context: QuestionContext) => T);

export interface Question {
  /** Stable id; the flag is derived from it. */
  readonly id: string;
  readonly text: string;
  /** One line shown under the question. */
  readonly help: string;
  readonly type: QuestionType;
  readonly choices?: Dynamic<readonly Choice[]>;
  /**
   * Choice answers from a flag may be any value (a path, a server type), not
   * only one of the listed choices.
   */
  readonly openChoice?: boolean;
  /** Undefined: the question has no default and must be answered. */
  readonly default?: Dynamic<Answer | undefined>;
  /** Why the default is the recommended setting: shown beside it on the recommended settings screen. */
  readonly reason?: Dynamic<string>;
  /** Asked only when this holds for the earlier answers. */
  readonly when?: (answers: Answers, context: QuestionContext) => boolean;
  /** The `init` option that answers it, in commander syntax. */
  readonly flag: string;
  /** The config key(s) it fills, for help texts and to map config problems back to a question. */
  readonly keys: readonly string[];
}

export function resolveDynamic<T>(value: Dynamic<T> | undefined, answers: Answers, context: QuestionContext): T | undefined {
  return typeof value === 'function' ? (value as (a: Answers, c: QuestionContext) => T)(answers, context) : value;
}
