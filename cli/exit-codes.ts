/** The `wanemu` command's exit codes. */
export const EXIT_OK = 0;
/** An expectation, a verifier rule or a conformance check failed. */
export const EXIT_CHECK_FAILED = 1;
/** Bad input or usage: a malformed file, argument or buffer. */
export const EXIT_BAD_INPUT = 2;
