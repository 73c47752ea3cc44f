# cdn-include in a container (README "Running in production", Docker). Build: docker build -t cdn-include .
# Run:   docker run --rm -p 8080:8080 --stop-timeout 15 -v "$PWD/public:/srv/site:ro" cdn-include

# Stage 1: compile the TypeScript and keep only the runtime dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Stage 2: the runtime, without compilers, sources or devDependencies, run as the image's unprivileged user.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    STATE_DIRECTORY=/var/lib/cdn-include
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY site ./site
# The validator ledger's folder: a volume keeps it across container restarts.
RUN mkdir -p /var/lib/cdn-include /srv/site && chown node:node /var/lib/cdn-include
VOLUME ["/var/lib/cdn-include"]
USER node
EXPOSE 8080
# node's own fetch: the slim image has no curl. 503 while draining marks the container unhealthy at once.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/_cdn-include/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains for --shutdown-timeout (10 s); give `docker stop` more than that (--stop-timeout 15).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["serve", "/srv/site"]
