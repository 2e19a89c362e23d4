package dev.knotless.outcomes.survey;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code knotless.outcomes.survey.*}: {@code base-url} is where patients reach the API (the gateway). */
@ConfigurationProperties("knotless.outcomes.survey")
record SurveyProperties(@DefaultValue("http://localhost:8080") String baseUrl) {

    String surveyUrl(String token) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + "/api/surveys/" + token;
    }
}
