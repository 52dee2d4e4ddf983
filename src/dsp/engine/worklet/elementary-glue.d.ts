/**
 * The Elementary runtime's emscripten glue, cut out of `@elemaudio/web-renderer`'s bundle at build
 * time by the `elementaryGlue()` Vite plugin (vite-plugin.ts), as a plain string constant.
 */
declare module 'virtual:nam-rig/elementary-glue' {
  const glue: string;
  export default glue;
}
