import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** The console is served by the service itself (src/console/); in development Vite proxies the API to it. */
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': 'http://localhost:3000' } },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
