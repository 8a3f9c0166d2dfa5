# syntax=docker/dockerfile:1
# The service as a container: compiled JavaScript and production dependencies only, run by an unprivileged user,
# with node as PID 1 so that SIGTERM reaches the server directly. See docs/operations.md ("Container image").
ARG NODE_VERSION=20.20

# 1. Compile: every dependency (TypeScript is a dev dependency), then `npm run build` into dist/.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would compile before the sources are copied; the build is the next step, explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies alone: no TypeScript, tsx, vitest, SDK or pino-pretty in the image.
FROM node:${NODE_VERSION}-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. The image: owned by root, run as `node` (uid 1000), so the process cannot change its own code.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY package.json ./
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000
# The slim image has no curl; node's fetch asks /health (the process is up) on the port the service listens on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Not `npm start`: node itself is PID 1 and handles SIGTERM/SIGINT (graceful shutdown); it starts no child
# processes, so there are no zombies to reap and no init (tini, --init) is needed.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
