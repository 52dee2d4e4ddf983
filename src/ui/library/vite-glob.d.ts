/** `import.meta.glob` as Vite provides it (the project does not pull in `vite/client` types). */
interface ImportMeta {
  glob<T = unknown>(pattern: string | readonly string[], options: { query?: string; import?: string; eager: true }): Record<string, T>;
}
