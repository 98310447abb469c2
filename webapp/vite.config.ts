// The app is built into the Python package (api/webapp_dist/), committed, and served by
// `listkeeper serve`; `npm run dev` serves it with hot reload and proxies the API to a running
// listkeeper (LISTKEEPER_URL, http://127.0.0.1:8000 by default).
import { defineConfig } from "vite";

const listkeeper = process.env.LISTKEEPER_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../api/webapp_dist",
    emptyOutDir: true,
    // Every file under assets/ with a content hash: no data: URLs, which the CSP refuses.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // src/gql/ makes every operation of frontend-contract/ a module-level
      // `new TypedDocumentString(...)`: marked pure, the ones no screen uses are left out.
      treeshake: { manualPureFunctions: ["TypedDocumentString"] },
    },
  },
  server: {
    proxy: {
      // the GraphQL endpoint and its graphql-transport-ws WebSocket
      "/graphql": { target: listkeeper, ws: true },
      // signed download links (backups, rejected rows, exports) are made on the request's host
      "/downloads": { target: listkeeper },
    },
  },
});
