package dev.knotless.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** {@code knotless.http.*}: limits of the services' HTTP APIs. */
@ConfigurationProperties("knotless.http")
public record HttpProperties(@DefaultValue("64KB") DataSize maxBodySize) {
}
