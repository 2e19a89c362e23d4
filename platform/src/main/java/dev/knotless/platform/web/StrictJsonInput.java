package dev.knotless.platform.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Request bodies are read strictly, because a lenient reader silently changes clinical data: by
 * default Jackson stores a pain of 7.9 as 7, takes {@code "painNprs": "7"} and
 * {@code "pregnant": 0} and {@code "technique": 1}, turns {@code "therapistId": 42} into text and reads a number as epoch
 * seconds or milliseconds, whichever it guesses. Here each of those is a
 * wrong type, reported with the field's name. Events are read by the EventCodec's own mapper.
 */
public class StrictJsonInput implements JsonMapperBuilderCustomizer {

    @Override
    public void customize(JsonMapper.Builder builder) {
        builder.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // A misspelt field ("adverseEventReviewd") must not be dropped in silence.
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .addModule(new SimpleModule("knotless-strict-json")
                        .addDeserializer(String.class, new StrictStringDeserializer())
                        .addDeserializer(Instant.class, new IsoTextDeserializer<>(Instant.class, Instant::parse))
                        .addDeserializer(LocalDate.class, new IsoTextDeserializer<>(LocalDate.class, LocalDate::parse)));
    }

    /** Times and dates only as ISO-8601 text: {@code "2026-11-20T14:00:00Z"}, {@code "1980-04-02"}. */
    static final class IsoTextDeserializer<T> extends StdScalarDeserializer<T> {
        private final Function<String, T> parse;

        IsoTextDeserializer(Class<T> type, Function<String, T> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(JsonParser parser, DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (T) context.handleUnexpectedToken(handledType(), parser);
            }
            String text = parser.getString().trim();
            try {
                return parse.apply(text);
            } catch (DateTimeParseException e) {
                return (T) context.handleWeirdStringValue(handledType(), text, "not ISO-8601");
            }
        }
    }

    /** Text only from JSON strings. */
    static final class StrictStringDeserializer extends StdScalarDeserializer<String> {

        StrictStringDeserializer() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                return parser.getString();
            }
            return (String) context.handleUnexpectedToken(String.class, parser);
        }
    }
}
