# The API image used by docker-compose.yml. Builds better-sqlite3 from source like a local install does.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY events ./events
RUN npm run build && npm prune --omit=dev
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
EXPOSE 3000
VOLUME ["/data"]
# The same heap limit as `npm start`: it keeps garbage from piling up past the memory the cache needs.
CMD ["node", "--max-old-space-size=384", "dist/src/main.js"]
