/** Types for needs.mjs, which vitest.config.ts and the set-up import. */
export interface Need {
  readonly tag: string;
  readonly title: string;
  readonly install: 'apt' | 'debian' | 'none';
  readonly packages: readonly string[];
  readonly enable?: string;
  missing(): string | undefined;
}
export interface AssessedNeed extends Need {
  readonly skip: boolean;
  readonly reason: string | undefined;
}
export declare const PROJECT_ROOT: string;
export declare const SHARED_ANCHOR_CONFIGS: string;
export declare const NEEDS: readonly Need[];
export declare function whyNotInstallable(need: Need): string | undefined;
export declare function assessNeeds(): AssessedNeed[];
export declare function enableAdvice(skipped: readonly AssessedNeed[]): string[];
