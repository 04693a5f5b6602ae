import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Builds the review UI into dist/ui, which `overshare serve` hosts beside the API. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/ui', import.meta.url)),
    emptyOutDir: true,
    // Served with a CSP that allows scripts from our own origin only: no inline preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    chunkSizeWarningLimit: 800,
    // Libraries in a chunk of their own: it changes only when dependencies do, so browsers keep it
    // across releases of the app itself (and neither chunk passes the size warning).
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } } },
  },
  server: {
    // `npx vite --config server/ui/vite.config.ts` during development, with `overshare serve` on 8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
