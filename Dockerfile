# syntax=docker/dockerfile:1
# cpt-exam image: build stage (all dependencies, esbuild + Vite), production dependencies stage, small runtime stage
# running `node dist/server/main.js` as the unprivileged `node` user. docs/operations.md §Image.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs --force

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOAD_SAMPLE_BANK=false \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY scripts/build-manifest.mjs ./scripts/
COPY migrations ./migrations
COPY server/assets ./server/assets
COPY item-bank ./item-bank
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# No curl in slim images: the health check is a one-line fetch in node.
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1's only process and gets SIGTERM itself (main.ts closes sockets and the pool, then exits).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
