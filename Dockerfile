# Solde: TypeScript run by tsx (no build step), production dependencies only.
FROM node:24.11.1-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY bin ./bin
COPY core ./core
COPY src ./src
COPY rating ./rating
COPY sip ./sip
COPY scripts ./scripts
ENV NODE_ENV=production
# The announcements and state volumes are created owned by root; Solde writes there.
RUN mkdir -p /var/lib/solde/announcements /var/lib/solde/state && chown -R node:node /var/lib/solde
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "src/main.ts"]
