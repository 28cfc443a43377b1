# The API image used by the compose files. Two stages: the first compiles better-sqlite3 from source (python3,
# make, g++, as a local install does) and the TypeScript; the second holds only what runs, as the node user.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# npm ci builds the code (the prepare script), so the sources come first.
COPY package.json package-lock.json .prebuild-installrc tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY events ./events
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"]
# The same heap limit as `npm start`: it keeps garbage from piling up past the memory the cache needs.
CMD ["node", "--max-old-space-size=384", "dist/src/main.js"]
