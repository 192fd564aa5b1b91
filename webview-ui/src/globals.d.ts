/** The importance worker's bundled source, inlined by esbuild.mjs (`define`). */
declare const __IMPORTANCE_WORKER_SOURCE__: string;
