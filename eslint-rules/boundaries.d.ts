import type { Rule } from 'eslint';

/** The repository's import-boundary lint rule (boundaries.js). */
declare const boundaries: Rule.RuleModule;
export default boundaries;
