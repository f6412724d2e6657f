# Tripwire: one image for the engine (`run`), the executor (`execute`) and every other CLI command.
#
#   docker build -t tripwire .
#   docker run --rm tripwire --help
#
# docker-compose.yml builds this image for the `engine` and `executor` services (docs/deploy.md).
# Works with the classic builder and BuildKit alike (no BuildKit-only syntax).

# ---- build: the shaded CLI jar ---------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The whole context (the reactor needs every module the root pom lists); .dockerignore leaves out
# build output, .git, docs and the deploy files, so editing those does not rebuild the jar.
COPY . .
RUN mvn -B -q -DskipTests package -pl cli -am \
    && test -f cli/target/tripwire.jar

# ---- runtime ---------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# A fixed, non-root uid/gid so that volume ownership is predictable across rebuilds.
ARG TRIPWIRE_UID=10001
RUN groupadd --system --gid "${TRIPWIRE_UID}" tripwire \
    && useradd --system --uid "${TRIPWIRE_UID}" --gid tripwire --home-dir /app --shell /usr/sbin/nologin tripwire \
    && mkdir -p /app /var/lib/tripwire/state /var/lib/tripwire/executor \
    && chown -R tripwire:tripwire /var/lib/tripwire

WORKDIR /app
COPY --from=build /src/cli/target/tripwire.jar /app/tripwire.jar
COPY config/ /app/config/

# Directories created above (owned by tripwire) are copied into fresh named volumes, so the
# non-root user can write Streams state and executor files there.
VOLUME ["/var/lib/tripwire/state", "/var/lib/tripwire/executor"]

# Size the heap from the container's memory limit; more options can be added with
# JAVA_TOOL_OPTIONS at run time (the entrypoint runs `java` directly, so JAVA_OPTS is not read).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"

USER tripwire

# 9464: engine metrics and health (GET /metrics, GET /health); 9465: executor metrics.
# In a container the apps must listen on 0.0.0.0, not their 127.0.0.1 default, to be scraped;
# docker-compose.yml sets that (docs/deploy.md).
EXPOSE 9464 9465

# The JRE image has neither curl nor wget: probe with bash's /dev/tcp. The port differs between the
# engine (9464, the default here) and the executor (9465): set TRIPWIRE_HEALTH_PORT and
# TRIPWIRE_HEALTH_PATH, or override the check (docker-compose.yml does, per service). The check
# fails for `--help` and other one-shot commands, which exit long before it runs.
ENV TRIPWIRE_HEALTH_PORT=9464 TRIPWIRE_HEALTH_PATH=/health
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${TRIPWIRE_HEALTH_PORT} && printf 'GET %s HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' \"${TRIPWIRE_HEALTH_PATH}\" >&3 && IFS= read -r -t 5 status <&3 && [[ $status == *' 200'* ]]"]

ENTRYPOINT ["java", "-jar", "/app/tripwire.jar"]
CMD ["--help"]
