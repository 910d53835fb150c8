# syntax=docker/dockerfile:1
# truenas-gitops container image: build with the Maven wrapper, run on a slim JRE as a non-root user.
#   docker build -t truenas-gitops .
#   docker run -v truenas-gitops-state:/var/lib/truenas-gitops -e TRUENAS_URL=wss://nas.lan ... truenas-gitops

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q package -DskipTests

FROM eclipse-temurin:17-jre
LABEL org.opencontainers.image.title="truenas-gitops" \
      org.opencontainers.image.description="GitOps reconciler for TrueNAS SCALE apps" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 gitops \
    && useradd --system --uid 10001 --gid gitops --home-dir /var/lib/truenas-gitops --shell /usr/sbin/nologin gitops \
    && mkdir -p /var/lib/truenas-gitops \
    && chown gitops:gitops /var/lib/truenas-gitops
WORKDIR /opt/truenas-gitops
COPY --from=build --chown=root:root /src/target/quarkus-app/ ./
USER 10001:10001
VOLUME ["/var/lib/truenas-gitops"]
ENV TRUENAS_GITOPS_STATE_DIR=/var/lib/truenas-gitops \
    JAVA_OPTS="-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=96m -XX:TieredStopAtLevel=1"
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /q/health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/truenas-gitops/quarkus-run.jar \"$@\"", "--"]
CMD ["serve"]
