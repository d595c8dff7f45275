/** The runtime-spec version this runtime implements. */
export const SPEC_VERSION = '1.3.0';
