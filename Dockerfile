# truenas-gitops container image. Maven builds the application outside the image; the image only copies it
# onto a Java 17 runtime and runs it as a non-root user:
#   ./mvnw -B -ntp package -DskipTests
#   docker build -t truenas-gitops .
#   docker run -v truenas-gitops-state:/var/lib/truenas-gitops -e TRUENAS_URL=wss://nas.lan ... truenas-gitops
# BASE_IMAGE: any Java 17 runtime with sh, curl (the health check), groupadd and useradd; Debian and Ubuntu JRE
# images qualify. deploy/container-test.sh builds one from Debian packages for machines that reach no registry.
# The release workflow (.github/workflows/release.yml) builds it for amd64 and arm64 and publishes it.
# JVM flags: JAVA_OPTS below, sized by docs/performance.md; replace them with -e JAVA_OPTS="..." (docs/operations.md).
ARG BASE_IMAGE=eclipse-temurin:17-jre-noble

FROM ${BASE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="truenas-gitops" \
      org.opencontainers.image.description="GitOps reconciler for TrueNAS SCALE apps: Docker Compose stacks in Git, applied through the TrueNAS middleware API" \
      org.opencontainers.image.version="${VERSION}"
RUN groupadd --system --gid 10001 gitops \
    && useradd --system --uid 10001 --gid gitops --home-dir /var/lib/truenas-gitops --shell /usr/sbin/nologin gitops \
    && mkdir -p /var/lib/truenas-gitops \
    && chown gitops:gitops /var/lib/truenas-gitops
WORKDIR /opt/truenas-gitops
# Quarkus' fast-jar layout, least often changed first: a code change rebuilds only the last layers.
COPY --chown=root:root target/quarkus-app/lib/ ./lib/
COPY --chown=root:root target/quarkus-app/*.jar ./
COPY --chown=root:root target/quarkus-app/app/ ./app/
COPY --chown=root:root target/quarkus-app/quarkus/ ./quarkus/
# `truenas-gitops COMMAND` in the container (docker exec, docker run IMAGE COMMAND): the launcher, on the PATH, with
# the class archive of this Java trained once here, so that short commands start in a fraction of a second.
COPY --chown=root:root target/quarkus-app/truenas-gitops ./
# The training run connects nowhere (port 1 refuses) but loads what apps, plan and sync load (on Java 17 it then dumps
# a static CDS archive of those classes).
RUN ln -s /opt/truenas-gitops/truenas-gitops /usr/local/bin/truenas-gitops \
    && { truenas-gitops apps list --url wss://127.0.0.1:1 > /dev/null 2>&1 || true; } \
    && ls /opt/truenas-gitops/truenas-gitops.jdk*
ENV TRUENAS_GITOPS_STATE_DIR=/var/lib/truenas-gitops \
    JAVA_OPTS="-Xmx64m -XX:+UseSerialGC -XX:MaxMetaspaceSize=80m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
VOLUME ["/var/lib/truenas-gitops"]
USER 10001:10001
EXPOSE 8080
# Ready = Git and every NAS answer (docs/operations.md); the base image must ship curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/q/health/ready"]
# sh expands JAVA_OPTS; exec makes java PID 1, so SIGTERM reaches it (a graceful stop waits for jobs in flight).
# The linter's EJ0001 takes the escaped \"$@\" (valid JSON) for single quotes:
# linter ignore=EJ0001
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/truenas-gitops/quarkus-run.jar \"$@\"", "--"]
CMD ["serve"]
