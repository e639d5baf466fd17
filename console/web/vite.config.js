// Built into console/web/dist, which the console server (console/) serves. No @vitejs/plugin-react: Vite's own
// esbuild turns JSX into react/jsx-runtime calls. The page must run under the server's Content-Security-Policy
// (script-src 'self', style-src 'self'): no inline script or style in index.html, nothing inlined as data: URLs.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic' },
  resolve: {
    // @rjsf/core's markdown renderer is replaced by plain text (src/plain-markdown.jsx says why).
    alias: [
      {
        find: /^markdown-to-jsx(\/react)?$/,
        replacement: fileURLToPath(new URL('./src/plain-markdown.jsx', import.meta.url)),
      },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    // The module-preload polyfill would be injected into the page; every browser the console supports has it.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rollupOptions: {
      onwarn(warning, warn) {
        // React's "use client" directives mean nothing in a bundle for the browser.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && /use client/.test(warning.message)) return;
        warn(warning);
      },
    },
  },
  // `npm run dev` against a running console server: CONSOLE_SERVER=http://127.0.0.1:<port> npm run dev
  server: process.env.CONSOLE_SERVER
    ? { proxy: { '/api': { target: process.env.CONSOLE_SERVER, changeOrigin: false } } }
    : {},
});
