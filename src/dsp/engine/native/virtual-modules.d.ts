/**
 * Modules the native engine build (scripts/build-native-engine.ts) provides to the plugin's bundles.
 * (`virtual:nam-rig/elementary-glue` is declared beside the worklet, which uses it too.)
 */
declare module 'virtual:nam-rig/default-model' {
  /** The text of presets/models/nam-rig-default.nam. */
  const text: string;
  export default text;
}
