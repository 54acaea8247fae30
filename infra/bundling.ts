/**
 * How every function is bundled, in one place: the CDK house function hands these to NodejsFunction, and the
 * benchmark builds its bundles with the very same esbuild settings to measure their size and module init.
 */

/** Lambda's ESM runtime has no `require`; some bundled CommonJS dependencies need one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __houseCreateRequire } from 'node:module'; const require = __houseCreateRequire(import.meta.url);";

export const HOUSE_BUNDLING = {
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  // index.mjs.map beside the bundle; NODE_OPTIONS=--enable-source-maps maps stack traces to the .ts sources
  sourceMap: true,
  sourcesContent: false,
  // the Node.js 24 runtime ships SDK v3; everything else is bundled
  externalModules: ['@aws-sdk/*'],
} as const;

/** The environment a deployed function starts with (besides its resources' names). */
export const HOUSE_NODE_OPTIONS = '--enable-source-maps';
