import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * guarded assignment (see {@link #ensureAvailable(CodeBuilder)}); the patch refuses to run when the method is not the
 * one it was written for (a Helidon upgrade must be checked by hand), and {@code DataReaderPatchTest} checks that the
 * copy in use unlinks and still reads across nodes.
 *
 * <p>Usage: {@code java src/build/DataReaderPatch.java <helidon-common-buffers.jar> <classes-dir>}
 */
public final class DataReaderPatch {
    private static final String ENTRY = "io/helidon/common/buffers/DataReader.class";
    private static final ClassDesc READER = ClassDesc.of("io.helidon.common.buffers.DataReader");
    private static final ClassDesc NODE = ClassDesc.of("io.helidon.common.buffers.DataReader$Node");
    /** {@code ensureAvailable} as Helidon 4.5.0 compiles it: the instructions, with their field and method names. */
    private static final List<String> EXPECTED = List.of(
            "ALOAD_0", "GETFIELD head", "INVOKEVIRTUAL hasAvailable", "IFNE",
            "ALOAD_0", "GETFIELD head", "GETFIELD next", "IFNONNULL",
            "ALOAD_0", "INVOKEVIRTUAL pullData",
            "ALOAD_0", "ALOAD_0", "GETFIELD head", "GETFIELD next", "PUTFIELD head",
            "GOTO", "RETURN");

    private DataReaderPatch() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DataReaderPatch <helidon-common-buffers.jar> <classes-dir>");
        }
        Path jar = Path.of(args[0]);
        Path out = Path.of(args[1]).resolve(ENTRY);
        byte[] original;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entry = zip.getEntry(ENTRY);
            if (entry == null) {
                throw new IllegalStateException(jar + " has no " + ENTRY);
            }
            original = zip.getInputStream(entry).readAllBytes();
        }
        try (URLClassLoader helidon = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofResourceParsing(helidon))));
            ClassModel model = cf.parse(original);
            check(model);
            byte[] patched = cf.transformClass(model, (cb, element) -> {
                if (element instanceof MethodModel m && isEnsureAvailable(m)) {
                    cb.transformMethod(m, MethodTransform.dropping(e -> e instanceof CodeModel)
                            .andThen(MethodTransform.endHandler(mb -> mb.withCode(DataReaderPatch::ensureAvailable))));
                } else {
                    cb.with(element);
                }
            });
            Files.createDirectories(out.getParent());
            Files.write(out, patched);
        }
        System.out.println("DataReaderPatch: " + out + " (consumed nodes unlinked)");
    }

    /** Fails unless {@code ensureAvailable} is exactly the method this patch replaces. */
    private static void check(ClassModel model) {
        MethodModel method = model.methods().stream().filter(DataReaderPatch::isEnsureAvailable).findFirst()
                .orElseThrow(() -> new IllegalStateException("DataReader has no ensureAvailable()V"));
        List<String> found = new ArrayList<>();
        for (CodeElement e : method.code().orElseThrow()) {
            if (e instanceof Instruction i) {
                found.add(switch (i) {
                    case FieldInstruction f -> i.opcode() + " " + f.name().stringValue();
                    case InvokeInstruction v -> i.opcode() + " " + v.name().stringValue();
                    default -> i.opcode().name();
                });
            }
        }
        if (!found.equals(EXPECTED)) {
            throw new IllegalStateException("Helidon's DataReader.ensureAvailable is not the one this patch was written "
                    + "for (was Helidon upgraded? check whether it still keeps consumed nodes linked, then update or drop "
                    + "src/build/DataReaderPatch.java): " + found);
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
        cb.labelBinding(loop)
                .aload(0).getfield(READER, "head", NODE)
                .invokevirtual(NODE, "hasAvailable", MethodTypeDesc.of(ConstantDescs.CD_boolean))
                .ifne(done)
                .aload(0).getfield(READER, "head", NODE).getfield(NODE, "next", NODE)
                .ifnonnull(linked)
                .aload(0).invokevirtual(READER, "pullData", MethodTypeDesc.of(ConstantDescs.CD_void))
                .labelBinding(linked)
                .aload(0).getfield(READER, "head", NODE).astore(1)
                .aload(0).aload(1).getfield(NODE, "next", NODE).putfield(READER, "head", NODE)
                .aload(1).getfield(NODE, "bytes", ConstantDescs.CD_byte.arrayType()).arraylength().ifeq(kept)
                .aload(1).aconst_null().putfield(NODE, "next", NODE)
                .labelBinding(kept)
                .goto_(loop)
                .labelBinding(done)
                .return_();
    }
}
