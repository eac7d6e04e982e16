/** Types for generate.mjs, which the tests import. */
export declare const CONFIGS_DIR: string;
export declare const RENDERED_DIR: string;
export declare const EXAMPLE_INSTANCE_IP: string;
export declare function exampleConfigFiles(): string[];
export declare function generateExamples(outputDir: string): Promise<string[]>;
