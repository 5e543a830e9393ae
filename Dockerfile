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
ENV STEPCA_RECOVERY_CONFIG=/etc/stepca-recovery/config.yaml
ENTRYPOINT ["java", "-jar", "/app/stepca-recovery.jar"]
CMD ["worker", "--config", "/etc/stepca-recovery/config.yaml"]
