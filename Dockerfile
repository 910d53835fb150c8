# syntax=docker/dockerfile:1
# truenas-gitops container image: built with the Maven wrapper, run on a slim JRE as a non-root user.
#   docker build -t truenas-gitops .
#   docker run -v truenas-gitops-state:/var/lib/truenas-gitops -e TRUENAS_URL=wss://nas.lan ... truenas-gitops
# Where the image is published from, add: --label org.opencontainers.image.source=<repository URL>
# JVM flags: JAVA_OPTS below, sized by docs/performance.md; replace them with -e JAVA_OPTS="..." (docs/operations.md).

FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests

FROM eclipse-temurin:17-jre-noble
ARG VERSION=0.1.0-SNAPSHOT
LABEL org.opencontainers.image.title="truenas-gitops" \
      org.opencontainers.image.description="GitOps reconciler for TrueNAS SCALE apps: Docker Compose stacks in Git, applied through the TrueNAS middleware API" \
      org.opencontainers.image.version="${VERSION}"
RUN groupadd --system --gid 10001 gitops \
    && useradd --system --uid 10001 --gid gitops --home-dir /var/lib/truenas-gitops --shell /usr/sbin/nologin gitops \
    && mkdir -p /var/lib/truenas-gitops \
    && chown gitops:gitops /var/lib/truenas-gitops
WORKDIR /opt/truenas-gitops
COPY --from=build --chown=root:root /src/target/quarkus-app/ ./
ENV TRUENAS_GITOPS_STATE_DIR=/var/lib/truenas-gitops \
    JAVA_OPTS="-Xmx64m -XX:+UseSerialGC -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
VOLUME ["/var/lib/truenas-gitops"]
USER 10001:10001
EXPOSE 8080
# Ready = Git and every NAS answer (docs/operations.md); the Temurin images ship curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/q/health/ready"]
# sh expands JAVA_OPTS; exec makes java PID 1, so SIGTERM reaches it (a graceful stop waits for jobs in flight).
# The linter's EJ0001 takes the escaped \"$@\" (valid JSON) for single quotes:
# linter ignore=EJ0001
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/truenas-gitops/quarkus-run.jar \"$@\"", "--"]
CMD ["serve"]
