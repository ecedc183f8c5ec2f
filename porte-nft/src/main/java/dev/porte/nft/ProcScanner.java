package dev.porte.nft;

import dev.porte.core.model.Protocol;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the listening sockets of this network namespace and their owners from a {@code /proc}
 * tree (the real one, or a fixture in tests). Processes whose fds cannot be read (other users',
 * when not root) leave their sockets with owner "?".
 */
public final class ProcScanner {
  private final Path proc;

  public ProcScanner(Path proc) {
    this.proc = proc;
  }

  public List<ListeningSocket> listening() {
    Map<Long, String> owners = ListeningSocket.owners(fdLinks());
    List<ListeningSocket> out = new ArrayList<>();
    out.addAll(table("tcp", Protocol.TCP, false, owners));
    out.addAll(table("tcp6", Protocol.TCP, true, owners));
    out.addAll(table("udp", Protocol.UDP, false, owners));
    out.addAll(table("udp6", Protocol.UDP, true, owners));
    return out;
  }

  private List<ListeningSocket> table(String name, Protocol protocol, boolean v6, Map<Long, String> owners) {
    Path file = proc.resolve("net").resolve(name);
    try {
      return Files.exists(file) ? ListeningSocket.parse(Files.readString(file), protocol, v6, owners) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** "name (pid N)" to the targets of its fd links. */
  Map<String, List<String>> fdLinks() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path pid : pids) {
        List<String> links = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
          for (Path fd : fds) {
            try {
              links.add(Files.readSymbolicLink(fd).toString());
            } catch (IOException | UnsupportedOperationException e) {
              // The fd closed while we looked, or it is not a link: nothing to learn from it.
            }
          }
        } catch (IOException e) {
          continue; // another user's process while we are not root
        }
        String comm;
        try {
          comm = Files.readString(pid.resolve("comm")).trim();
        } catch (IOException e) {
          comm = "?";
        }
        out.put(comm + " (pid " + pid.getFileName() + ")", links);
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }
}
