package dev.knotless.intake;

import org.springframework.stereotype.Component;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Request bodies take text only from JSON strings: {@code "therapistId": 42} is a wrong type, named
 * as such, not the text "42". Numbers and booleans are kept strict by
 * {@code spring.jackson.mapper.allow-coercion-of-scalars: false} and
 * {@code spring.jackson.deserialization.accept-float-as-int: false} in application.yml, so a pain
 * of 7.9 is refused rather than stored as 7 and a screening answer must be true or false. Events
 * are decoded by the EventCodec's own mapper and are not affected.
 */
@Component
class StrictJsonModule extends SimpleModule {

    StrictJsonModule() {
        super("knotless-intake-strict-json");
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
