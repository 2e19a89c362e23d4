# syntax=docker/dockerfile:1
# One Dockerfile for the five Spring Boot services: docker build --build-arg MODULE=intake-service .
# Build context is the repository root because the services share the events and platform modules.

FROM eclipse-temurin:21-jdk AS build
ARG MODULE
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -pl ${MODULE} -am package \
 && java -Djarmode=tools -jar ${MODULE}/target/${MODULE}.jar extract --layers --launcher --destination /extracted

FROM eclipse-temurin:21-jre
ARG MODULE
# curl for the compose health checks only
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 knotless && useradd --system --uid 10001 --gid knotless --no-create-home knotless \
 && install -d -o 10001 -g 10001 -m 700 /var/lib/knotless/auth-keys
# /var/lib/knotless/auth-keys: the auth-server's signing keys (a volume in docker-compose.yml); a new
# volume takes this owner and mode, so only the service user reads the keys.
WORKDIR /app
# Layers from the least to the most often changed, so a code change rebuilds only the last one.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
