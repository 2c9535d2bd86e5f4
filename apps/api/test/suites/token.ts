/** The API_TOKEN every stats API suite runner configures. */
export const SUITE_TOKEN = 'suite-token-7f3a';
