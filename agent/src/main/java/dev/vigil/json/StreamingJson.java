package dev.vigil.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the agent's own wire types on jackson-core's streaming parser and generator alone.
 * Jackson databind would map the records by reflection, but it costs the agent ~500 classes and
 * a few MB of resident class metadata for a dozen small records; the hand-written codecs built on
 * this class write exactly what databind wrote (tests compare the bytes) and read it back with
 * databind's leniency where it matters: unknown fields are skipped, a missing field is null/0.
 */
public final class StreamingJson {
    /** Thread-safe once configured, and it is never reconfigured. */
    private static final JsonFactory FACTORY = new JsonFactory();

    private StreamingJson() {}

    @FunctionalInterface
    public interface Writer<T> {
        void write(JsonGenerator g, T value) throws IOException;
    }

    /** Reads one value whose first token is the parser's current token. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    /** Handles one field of an object; the parser is on the field's value. */
    @FunctionalInterface
    public interface FieldHandler {
        void field(String name, JsonParser p) throws IOException;
    }

    public static <T> byte[] write(T value, Writer<? super T> writer) throws IOException {
        try (var out = new ByteArrayBuilder();
             var g = FACTORY.createGenerator(out)) {
            writer.write(g, value);
            g.flush();
            return out.toByteArray();
        }
    }

    /**
     * The first value in {@code data}; what follows it is ignored, as databind did. A JSON
     * {@code null} reads as null.
     */
    public static <T> T read(byte[] data, Reader<T> reader) throws IOException {
        return read(data, 0, data.length, reader);
    }

    public static <T> T read(byte[] data, int offset, int length, Reader<T> reader) throws IOException {
        try (JsonParser p = FACTORY.createParser(data, offset, length)) {
            if (p.nextToken() == null) {
                throw new JsonParseException(p, "no content: expected a JSON value");
            }
            return nullable(p, reader);
        }
    }

    // ---- reading

    /** Null for a JSON null, else what {@code reader} makes of the value. */
    public static <T> T nullable(JsonParser p, Reader<T> reader) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : reader.read(p);
    }

    /** Calls {@code handler} for each field of the object at the current token; unknown fields must be skipped by it. */
    public static void object(JsonParser p, FieldHandler handler) throws IOException {
        expect(p, JsonToken.START_OBJECT, "an object");
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() == null) {
                throw new JsonParseException(p, "unexpected end of input in an object");
            }
            handler.field(name, p);
        }
        if (t != JsonToken.END_OBJECT) {
            throw new JsonParseException(p, "unexpected end of input in an object");
        }
    }

    /** Skips the value at the current token, nested objects and arrays included. */
    public static void skip(JsonParser p) throws IOException {
        p.skipChildren();
    }

    /** A string, or a number or boolean as written (databind coerced scalars to String too); null for null. */
    public static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!t.isScalarValue()) {
            throw new JsonParseException(p, "expected a string, got " + t);
        }
        return p.getText();
    }

    public static long longValue(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NULL -> 0;
            case VALUE_STRING -> {
                try {
                    yield Long.parseLong(p.getText().trim());
                } catch (NumberFormatException e) {
                    throw new JsonParseException(p, "expected an integer, got \"" + p.getText() + "\"");
                }
            }
            default -> throw new JsonParseException(p, "expected an integer, got " + p.currentToken());
        };
    }

    public static int intValue(JsonParser p) throws IOException {
        long v = longValue(p);
        if (v != (int) v) {
            throw new JsonParseException(p, "integer " + v + " out of range");
        }
        return (int) v;
    }

    public static Long boxedLong(JsonParser p) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : longValue(p);
    }

    public static boolean bool(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            case VALUE_STRING -> switch (p.getText().trim()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new JsonParseException(p, "expected true or false, got \"" + p.getText() + "\"");
            };
            default -> throw new JsonParseException(p, "expected true or false, got " + p.currentToken());
        };
    }

    public static <E extends Enum<E>> E enumValue(JsonParser p, Class<E> type) throws IOException {
        String name = text(p);
        if (name == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new JsonParseException(p, "unknown " + type.getSimpleName() + " \"" + name + "\"");
        }
    }

    /** An array's items (null for JSON null). */
    public static <T> List<T> list(JsonParser p, Reader<T> item) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(p, JsonToken.START_ARRAY, "an array");
        var items = new ArrayList<T>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw new JsonParseException(p, "unexpected end of input in an array");
            }
            items.add(nullable(p, item));
        }
        return items;
    }

    public static List<String> stringList(JsonParser p) throws IOException {
        return list(p, StreamingJson::text);
    }

    /** An object as a map in the order written (null for JSON null). */
    public static <V> Map<String, V> map(JsonParser p, Reader<V> value) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        var m = new LinkedHashMap<String, V>();
        object(p, (name, q) -> m.put(name, nullable(q, value)));
        return m;
    }

    private static void expect(JsonParser p, JsonToken wanted, String what) throws IOException {
        if (p.currentToken() != wanted) {
            throw new JsonParseException(p, "expected " + what + ", got " + p.currentToken());
        }
    }

    // ---- writing (field names first, then the value, as databind ordered record components)

    public static void string(JsonGenerator g, String name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);   // writes null for null
    }

    public static void number(JsonGenerator g, String name, long value) throws IOException {
        g.writeNumberField(name, value);
    }

    public static void number(JsonGenerator g, String name, Long value) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value.longValue());
        }
    }

    public static void bool(JsonGenerator g, String name, boolean value) throws IOException {
        g.writeBooleanField(name, value);
    }

    public static void enumName(JsonGenerator g, String name, Enum<?> value) throws IOException {
        string(g, name, value == null ? null : value.name());
    }

    /** A collection as an array in its iteration order, null as null. */
    public static <T> void array(JsonGenerator g, String name, Collection<T> items, Writer<? super T> item)
            throws IOException {
        g.writeFieldName(name);
        array(g, items, item);
    }

    public static <T> void array(JsonGenerator g, Collection<T> items, Writer<? super T> item) throws IOException {
        if (items == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (T t : items) {
            if (t == null) {
                g.writeNull();
            } else {
                item.write(g, t);
            }
        }
        g.writeEndArray();
    }

    public static void strings(JsonGenerator g, String name, Collection<String> items) throws IOException {
        array(g, name, items, JsonGenerator::writeString);
    }

    /** A map as an object in its iteration order, null as null. */
    public static <V> void object(JsonGenerator g, String name, Map<String, V> map, Writer<? super V> value)
            throws IOException {
        g.writeFieldName(name);
        if (map == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        for (var e : map.entrySet()) {
            g.writeFieldName(e.getKey());
            if (e.getValue() == null) {
                g.writeNull();
            } else {
                value.write(g, e.getValue());
            }
        }
        g.writeEndObject();
    }

    /** A nested value, null as null. */
    public static <T> void value(JsonGenerator g, String name, T value, Writer<? super T> writer) throws IOException {
        g.writeFieldName(name);
        if (value == null) {
            g.writeNull();
        } else {
            writer.write(g, value);
        }
    }
}
