import type { ModelReport } from '../analysis/types.js';

/** Exactly the ModelReport, nothing else. */
export const renderJson = (r: ModelReport): string => `${JSON.stringify(r, null, 2)}\n`;
