package dev.porte.nft;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where porte remembers what it applied (default {@code /var/lib/porte}, or {@code
 * $PORTE_STATE_DIR}): the current and the previous applied ruleset, each with its policy text,
 * the policy's sha256, the time, the source file and the fingerprint of the kernel table as read
 * back; and the pending confirmation of {@code apply --confirm}. Files are replaced by atomic
 * moves, so a crash leaves either the old or the new state. Not thread-safe across processes
 * beyond that.
 */
public final class StateDir {
  /** One applied ruleset as remembered. */
  public record Applied(String origin, String sha256, Instant appliedAt, String fingerprint, String replies,
      String script, String policyText) {}

  /** A confirmation {@code apply --confirm} waits for. */
  public record Pending(String token, Instant deadline) {}

  private final Path dir;

  public StateDir(Path dir) {
    this.dir = dir;
  }

  /** {@code $PORTE_STATE_DIR}, else {@code /var/lib/porte}. */
  public static StateDir fromEnvironment(Map<String, String> env) {
    String custom = env.get("PORTE_STATE_DIR");
    return new StateDir(Path.of(custom == null || custom.isBlank() ? "/var/lib/porte" : custom));
  }

  public Path path() {
    return dir;
  }

  public Optional<Applied> current() {
    return read("current");
  }

  public Optional<Applied> previous() {
    return read("previous");
  }

  /** Makes {@code applied} current; what was current becomes previous. */
  public void push(Applied applied) {
    ensure();
    if (Files.exists(file("current", "properties"))) {
      for (String ext : new String[] {"nft", "policy", "properties"}) {
        move(file("current", ext), file("previous", ext));
      }
    }
    write("current", applied);
  }

  /** Swaps current and previous (a rollback). */
  public void swap() {
    ensure();
    for (String ext : new String[] {"nft", "policy", "properties"}) {
      Path tmp = file("swap", ext);
      move(file("current", ext), tmp);
      move(file("previous", ext), file("current", ext));
      move(tmp, file("previous", ext));
    }
  }

  /** Records a new fingerprint for the current ruleset (after a rollback re-read the kernel). */
  public void refingerprint(String fingerprint) {
    current().ifPresent(a -> write("current", new Applied(a.origin(), a.sha256(), a.appliedAt(), fingerprint, a.replies(),
        a.script(), a.policyText())));
  }

  public Optional<Pending> pending() {
    Path f = dir.resolve("pending.properties");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    Properties p = load(f);
    return Optional.of(new Pending(p.getProperty("token", ""), Instant.parse(p.getProperty("deadline"))));
  }

  public void setPending(Pending pending) {
    ensure();
    Properties p = new Properties();
    p.setProperty("token", pending.token());
    p.setProperty("deadline", pending.deadline().toString());
    store(dir.resolve("pending.properties"), p);
  }

  /** Removes the pending confirmation; true if there was one. */
  public boolean clearPending() {
    try {
      return Files.deleteIfExists(dir.resolve("pending.properties"));
    } catch (IOException e) {
      throw io("cannot remove", dir.resolve("pending.properties"), e);
    }
  }

  private Optional<Applied> read(String name) {
    Path props = file(name, "properties");
    if (!Files.exists(props)) {
      return Optional.empty();
    }
    Properties p = load(props);
    try {
      return Optional.of(new Applied(p.getProperty("origin"), p.getProperty("sha256"), Instant.parse(p.getProperty("appliedAt")),
          p.getProperty("fingerprint"), p.getProperty("replies"), Files.readString(file(name, "nft")),
          Files.readString(file(name, "policy"))));
    } catch (IOException e) {
      throw io("cannot read", file(name, "nft"), e);
    }
  }

  private void write(String name, Applied a) {
    Properties p = new Properties();
    p.setProperty("origin", a.origin());
    p.setProperty("sha256", a.sha256());
    p.setProperty("appliedAt", a.appliedAt().toString());
    p.setProperty("fingerprint", a.fingerprint());
    p.setProperty("replies", a.replies());
    writeAtomically(file(name, "nft"), a.script());
    writeAtomically(file(name, "policy"), a.policyText());
    store(file(name, "properties"), p);
  }

  private Path file(String name, String ext) {
    return dir.resolve(name + "." + ext);
  }

  private void ensure() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw io("cannot create the state directory", dir, e);
    }
  }

  private static Properties load(Path f) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(Files.readString(f)));
    } catch (IOException e) {
      throw io("cannot read", f, e);
    }
    return p;
  }

  private static void store(Path f, Properties p) {
    StringWriter text = new StringWriter();
    try {
      p.store(text, "porte state");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    writeAtomically(f, text.toString());
  }

  private static void writeAtomically(Path f, String text) {
    try {
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      Files.writeString(tmp, text);
      Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw io("cannot write", f, e);
    }
  }

  private static void move(Path from, Path to) {
    try {
      if (Files.exists(from)) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw io("cannot move", from, e);
    }
  }

  private static PorteException io(String what, Path f, IOException e) {
    return new PorteException(ErrorCode.IO, what + " " + f + ": " + e.getMessage(), e);
  }
}
