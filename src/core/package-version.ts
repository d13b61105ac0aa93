import { readFileSync } from 'node:fs';

/**
 * The version in package.json, read at run time rather than imported: the file sits at the
 * same distance from src/ and from the built dist/, and outside the compiler's rootDir.
 */
export const PACKAGE_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
