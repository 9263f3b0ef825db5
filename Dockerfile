# DebtFlow API + SPA in one image. `docker compose up` builds it (see docker-compose.yml).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN scripts/tools.sh \
 && scripts/build-spa.sh \
 && cargo build --release -p debtflow-api

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home debtflow \
 && install -d -o debtflow /var/lib/debtflow/imports
COPY --from=build /src/target/release/debtflow /usr/local/bin/debtflow
COPY --from=build /src/frontend/dist /srv/debtflow/spa
ENV SPA_DIR=/srv/debtflow/spa \
    IMPORT_STORAGE=/var/lib/debtflow/imports \
    BIND_ADDR=0.0.0.0:8080 \
    RUST_LOG=info
USER debtflow
EXPOSE 8080
ENTRYPOINT ["debtflow"]
CMD ["serve"]
