import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// Built into the server's static files; the server serves them at /designer to admins only
// (src/Liaison.Server/Designer/DesignerEndpoints.cs). The output is gitignored: `npm ci && npm run build`.
export default defineConfig({
  base: '/designer/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../Liaison.Server/wwwroot/designer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run dev` against a server started with `./liaison run` (sign in there first: the cookie is shared).
    proxy: {
      '/api': 'http://localhost:5080',
      '/account': 'http://localhost:5080',
    },
  },
});
