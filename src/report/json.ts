/** Exactly the given document (a ModelReport for summarize), nothing else. */
export const renderJson = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;
