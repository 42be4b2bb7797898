import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * A build step (run by Maven in {@code process-classes}, JDK 24 or later for the class-file API): writes into the
 * router's classes a copy of Helidon's {@code io.helidon.common.buffers.DataReader} whose {@code ensureAvailable} unlinks
 * each node it has consumed. The router's classes come first on its class path (the jar before {@code lib/}, and
 * {@code target/classes} before the dependencies in tests), so this copy is the one loaded.
 *
 * <p>Why: a connection's reader keeps the bytes it read in a linked list and drops consumed nodes from the head without
 * clearing their {@code next}. Once a consumed node has been promoted to the old generation, it keeps every node read
 * after it on that connection reachable from the old generation until the next full collection, so each young
 * collection promotes all of that connection's newer request bytes (GC nepotism): with 31 KB requests at 1,000 a
 * second, ~20 MB promoted per young collection and a full collection every few seconds. The method gains one
 * guarded assignment (see {@link #ensureAvailable(CodeBuilder)}); the patch refuses to run on any class but Helidon
 * 4.5.0's (by SHA-256: a Helidon upgrade must be checked by hand), and {@code DataReaderPatchTest} checks that the copy
 * in use is the router's, unlinks, and still reads across nodes. The class is written only when it differs from the one
 * already there, so a build that changes nothing else does not make the jar look new.
 *
 * <p>Usage: {@code java src/build/DataReaderPatch.java <helidon-common-buffers.jar> <classes-dir>}
 */
public final class DataReaderPatch {
    private static final String ENTRY = "io/helidon/common/buffers/DataReader.class";
    private static final ClassDesc READER = ClassDesc.of("io.helidon.common.buffers.DataReader");
    private static final ClassDesc NODE = ClassDesc.of("io.helidon.common.buffers.DataReader$Node");
    /**
     * Helidon 4.5.0's reader and its node, by SHA-256: the patch is right only for these (the other methods step over
     * nodes in a way the patch was checked against), so any other version stops the build until it is checked again.
     */
    private static final Map<String, String> EXPECTED = Map.of(
            ENTRY, "0e4233f79c6b6d181a697b6070b130663b79536c73666c3e85f1e340199d12eb",
            "io/helidon/common/buffers/DataReader$Node.class",
            "646b88ee2f8a5b6a1f29c360e7df9fd665cac0b6d6f30c74bbfede07806807a6");

    private DataReaderPatch() {
    }

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DataReaderPatch <helidon-common-buffers.jar> <classes-dir>");
        }
        Path jar = Path.of(args[0]);
        Path out = Path.of(args[1]).resolve(ENTRY);
        byte[] original = null;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (var expected : EXPECTED.entrySet()) {
                var entry = zip.getEntry(expected.getKey());
                byte[] bytes = entry == null ? new byte[0] : zip.getInputStream(entry).readAllBytes();
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                if (!sha.equals(expected.getValue())) {
                    throw new IllegalStateException(jar + ": " + expected.getKey() + " is not Helidon 4.5.0's (was Helidon "
                            + "upgraded? check whether its DataReader still keeps consumed nodes linked and how its reads "
                            + "step over nodes, then update or drop src/build/DataReaderPatch.java)");
                }
                if (expected.getKey().equals(ENTRY)) {
                    original = bytes;
                }
            }
        }
        try (URLClassLoader helidon = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(helidon))));
            byte[] patched = cf.transformClass(cf.parse(original), (cb, element) -> {
                if (element instanceof MethodModel m && isEnsureAvailable(m)) {
                    cb.transformMethod(m, MethodTransform.dropping(e -> e instanceof CodeModel)
                            .andThen(MethodTransform.endHandler(mb -> mb.withCode(DataReaderPatch::ensureAvailable))));
                } else {
                    cb.with(element);
                }
            });
            // an unchanged class keeps its time, so the jar (and the class-data archive made from it) is not rebuilt
            if (!Files.exists(out) || !Arrays.equals(Files.readAllBytes(out), patched)) {
                Files.createDirectories(out.getParent());
                Files.write(out, patched);
            }
        }
    }

    private static boolean isEnsureAvailable(MethodModel m) {
        return m.methodName().equalsString("ensureAvailable") && m.methodType().equalsString("()V");
    }

    /**
     * <pre>
     * while (!head.hasAvailable()) {
     *     if (head.next == null) pullData();
     *     Node consumed = head;
     *     head = consumed.next;
     *     if (consumed.bytes.length != 0) consumed.next = null;   // the one change
     * }
     * </pre>
     * A node without bytes stays linked: the readers that walk several nodes ({@code readBytes}, {@code
     * readAsciiString}, {@code readLazyString}) call this method with their own cursor on the node after a consumed
     * one, and step on from it; only an empty node can be skipped here while it is such a cursor (a node with bytes
     * stops this loop until it is read). The one empty node a connection's reader has, its first, keeps only the next.
     */
    private static void ensureAvailable(CodeBuilder cb) {
        Label loop = cb.newLabel();
        Label linked = cb.newLabel();
        Label done = cb.newLabel();
        Label kept = cb.newLabel();
        int consumed = cb.allocateLocal(TypeKind.REFERENCE);
        cb.labelBinding(loop)
                .aload(0).getfield(READER, "head", NODE)
                .invokevirtual(NODE, "hasAvailable", MethodTypeDesc.of(ConstantDescs.CD_boolean))
                .ifne(done)
                .aload(0).getfield(READER, "head", NODE).getfield(NODE, "next", NODE)
                .ifnonnull(linked)
                .aload(0).invokevirtual(READER, "pullData", MethodTypeDesc.of(ConstantDescs.CD_void))
                .labelBinding(linked)
                .aload(0).getfield(READER, "head", NODE).astore(consumed)
                .aload(0).aload(consumed).getfield(NODE, "next", NODE).putfield(READER, "head", NODE)
                .aload(consumed).getfield(NODE, "bytes", ConstantDescs.CD_byte.arrayType()).arraylength().ifeq(kept)
                .aload(consumed).aconst_null().putfield(NODE, "next", NODE)
                .labelBinding(kept)
                .goto_(loop)
                .labelBinding(done)
                .return_();
    }
}
