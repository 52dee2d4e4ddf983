/** Vite import suffixes used by the web app (the project does not pull in `vite/client` types). */
declare module '*?worker&url' {
  /** URL of the bundled worker/worklet module. */
  const url: string;
  export default url;
}
