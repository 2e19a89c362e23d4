package dev.knotless.outcomes;

import org.springframework.stereotype.Component;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Request bodies take text only from JSON strings: {@code "acknowledgedBy": 7} is a wrong type,
 * named as such, not the text "7". (Numbers and booleans are kept strict by
 * {@code spring.jackson.mapper.allow-coercion-of-scalars: false} in application.yml.) Event
 * decoding has its own mapper and is not affected.
 */
@Component
class StrictJsonModule extends SimpleModule {

    StrictJsonModule() {
        super("knotless-strict-json");
        addDeserializer(String.class, new StrictStringDeserializer());
    }

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
