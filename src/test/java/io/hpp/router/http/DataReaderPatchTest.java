package io.hpp.router.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.DataReader;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The router runs with Helidon's request reader as patched at build time by {@code src/build/DataReaderPatch.java}: a
 * node the reader has consumed no longer links to the next one, so a consumed node promoted to the old generation
 * does not keep the connection's later request bytes alive (GC nepotism). Without the patch the first test fails.
 */
class DataReaderPatchTest {
    private static final Field TAIL = field(DataReader.class, "tail");
    private static final Field NEXT = field(nodeClass(), "next");
    private static final Field BYTES = field(nodeClass(), "bytes");

    @Test
    void theReaderInUseIsTheRoutersPatchedCopy() {
        assertThat(DataReader.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .as("where DataReader was loaded from").endsWith("/target/classes/");
    }

    @Test
    void nodesReadPastNoLongerLinkToTheNext() throws ReflectiveOperationException {
        List<Object> nodes = new ArrayList<>();
        DataReader reader = reader(nodes, "GET / HT", "TP/1.1\r\nHost: a", "", "bc\r\n\r\n", "tail");

        readAll(reader);

        int unlinked = 0;
        for (Object node : nodes) { // every node but the last, all read past by now
            if (((byte[]) BYTES.get(node)).length > 0) {
                assertThat(NEXT.get(node)).as("next of a consumed node").isNull();
                unlinked++;
            }
        }
        assertThat(unlinked).isEqualTo(3);
    }

    /** Reads that span nodes, one of them empty (which must stay linked while a read steps over it), read as before. */
    @Test
    void readsAcrossNodesAndEmptyNodesAreUnchanged() {
        for (String[] chunks : List.of(
                new String[] {"GET / HT", "TP/1.1\r\nHost: a", "", "bc\r\n\r\n", "tail"},
                new String[] {"G", "ET / HTTP/1.1\r", "\nHost: ", "", "", "abc\r\n", "\r\nta", "", "il"},
                new String[] {"GET / HTTP/1.1\r\nHost: abc\r\n\r\ntail"})) {
            assertThat(readAll(reader(new ArrayList<>(), chunks))).containsExactly("GET / HTTP/1.1", "Host: abc", "", "tail");
        }
        DataReader bytes = reader(new ArrayList<>(), "ab", "", "cd", "", "", "ef", "gh");
        assertThat(new String(bytes.readBytes(7), US_ASCII)).isEqualTo("abcdefg");
        DataReader lazy = reader(new ArrayList<>(), "ab", "", "cd", "e");
        assertThat(lazy.readLazyString(US_ASCII, 5).toString()).isEqualTo("abcde");
        DataReader buffer = reader(new ArrayList<>(), "ab", "", "cd", "ef");
        buffer.skip(1);
        assertThat(buffer.readBuffer(4).readString(4, US_ASCII)).isEqualTo("bcde");
        assertThat(new String(buffer.readBytes(1), US_ASCII)).isEqualTo("f");
    }

    private static List<String> readAll(DataReader reader) {
        return List.of(reader.readLine(), reader.readLine(), reader.readLine(), new String(reader.readBytes(4), US_ASCII));
    }

    /** A reader over {@code chunks}; each node that was the reader's last when it pulled more is added to {@code nodes}. */
    private static DataReader reader(List<Object> nodes, String... chunks) {
        Iterator<byte[]> next = Stream.of(chunks).map(c -> c.getBytes(US_ASCII)).iterator();
        DataReader[] self = new DataReader[1];
        self[0] = DataReader.create(() -> {
            try {
                nodes.add(TAIL.get(self[0]));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            return next.hasNext() ? next.next() : null;
        });
        return self[0];
    }

    private static Class<?> nodeClass() {
        try {
            return Class.forName(DataReader.class.getName() + "$Node");
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static Field field(Class<?> type, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }
}
