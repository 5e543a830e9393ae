# syntax=docker/dockerfile:1
# The stepca-recovery worker/CLI image (docker-compose.yml service "worker").
#   docker build -t stepca-recovery .
#   docker run --rm stepca-recovery --help

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
# The reactor (pom.xml and its modules); .dockerignore keeps out build output, lab and secrets.
COPY . .
# The Maven cache survives between builds (BuildKit); the tests need the lab and run in CI.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package \
 && cp starter/target/stepca-recovery.jar /stepca-recovery.jar

FROM eclipse-temurin:17-jre
RUN mkdir -p /app /etc/stepca-recovery
COPY --from=build /stepca-recovery.jar /app/stepca-recovery.jar
# A class-data-sharing archive of the classes a run loads, recorded here with this image's own
# JVM by the hidden cds-warm-up command (what ./stepca-recovery keeps beside the jar): every JVM
# of the container maps them instead of loading them from the 60 MB jar, about half of a
# command's start-up. `stepca-recovery` on the PATH runs the CLI with it
# (docker compose exec worker stepca-recovery ...); a stale or unusable archive is ignored.
RUN java -XX:ArchiveClassesAtExit=/app/stepca-recovery.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -jar /app/stepca-recovery.jar cds-warm-up >/dev/null \
 && printf '%s\n' '#!/bin/sh' \
      'exec java -XX:SharedArchiveFile=/app/stepca-recovery.jsa -Xlog:cds=off ${STEPCA_RECOVERY_JAVA_OPTS:-} -jar /app/stepca-recovery.jar "$@"' \
      >/usr/local/bin/stepca-recovery \
 && chmod 0755 /usr/local/bin/stepca-recovery
ENV STEPCA_RECOVERY_CONFIG=/etc/stepca-recovery/config.yaml
ENTRYPOINT ["/usr/local/bin/stepca-recovery"]
CMD ["worker", "--config", "/etc/stepca-recovery/config.yaml"]
