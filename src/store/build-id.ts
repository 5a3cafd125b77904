declare const __PREP_BUILD_ID__: string | undefined;
/**
 * Identifies the parser that produced a cache: the build script sets it to a hash of the sources the
 * parser and the deck cache are built from (the walk's rules among them) and of the packages' versions,
 * so a new prep never trusts an old prep's parses or walks.
 */
export const BUILD_ID: string = typeof __PREP_BUILD_ID__ === 'string' ? __PREP_BUILD_ID__ : 'source';
